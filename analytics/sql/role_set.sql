-- Give an identity a role (replacing any it had), with the organizations a district uploader uploads for.
-- (MERGE rather than INSERT OR REPLACE: the shared warehouse, DuckLake, has no primary keys to replace by.)
MERGE INTO roles
USING (SELECT $identity AS identity, $role AS role, $org_codes AS org_codes, $granted_by AS granted_by) AS new
ON roles.identity = new.identity
WHEN MATCHED THEN UPDATE SET
    role = new.role, org_codes = new.org_codes, granted_by = new.granted_by, granted_at = now()
WHEN NOT MATCHED THEN INSERT VALUES (new.identity, new.role, new.org_codes, new.granted_by, now())
