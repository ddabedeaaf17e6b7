-- Whether the dashboard has seen this sign-in before: one ID token, by its $issuer, $subject and $issued_at
-- (its `iat`, UTC).
SELECT count(*) > 0 FROM sign_ins
WHERE issuer = $issuer AND subject = $subject AND issued_at = $issued_at
