-- Take an identity's role away: it becomes an unknown user again.
DELETE FROM roles WHERE identity = $identity
