-- Give an identity a role (replacing any it had), with the organizations a district uploader uploads for.
INSERT OR REPLACE INTO roles VALUES ($identity, $role, $org_codes, $granted_by, now())
