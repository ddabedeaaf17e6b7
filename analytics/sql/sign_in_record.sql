-- A sign-in seen for the first time (its audit line is written in the same transaction).
INSERT INTO sign_ins (identity, issuer, subject, issued_at, seen_at)
VALUES ($identity, $issuer, $subject, $issued_at, $seen_at)
