-- The organizations registered as incoming_orgs that the warehouse does not know yet, recorded under the
-- upload that introduced them (known ones keep their details).
INSERT INTO organizations
SELECT org_code, name, org_type, region, $upload_id FROM incoming_orgs
WHERE org_code NOT IN (SELECT org_code FROM organizations)
