-- An organizations list (registered as incoming_orgs): new organizations are added and known ones take
-- the list's name, type and region. (MERGE rather than INSERT OR REPLACE: the shared warehouse, DuckLake,
-- has no primary keys to replace by.)
MERGE INTO organizations
USING (SELECT org_code, name, org_type, region, $upload_id AS upload_id FROM incoming_orgs) AS new
ON organizations.org_code = new.org_code
WHEN MATCHED THEN UPDATE SET
    name = new.name, org_type = new.org_type, region = new.region, upload_id = new.upload_id
WHEN NOT MATCHED THEN INSERT VALUES (new.org_code, new.name, new.org_type, new.region, new.upload_id)
