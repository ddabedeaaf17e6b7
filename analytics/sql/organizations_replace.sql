-- An organizations list (registered as incoming_orgs): new organizations are added and known ones take
-- the list's name, type and region.
INSERT OR REPLACE INTO organizations
SELECT org_code, name, org_type, region, $upload_id FROM incoming_orgs
