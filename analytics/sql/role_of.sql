-- One identity's role and organization codes (a district uploader's); no row when it has none.
SELECT role, org_codes FROM roles WHERE identity = $identity
