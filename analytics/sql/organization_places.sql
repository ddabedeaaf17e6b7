-- Every organization's region and type (what the sidebar filters pick by), in org_code order: a row's
-- position is the organization's number in organizations_reporting.sql.
WITH final AS (
    SELECT org_code, region, org_type FROM organizations
)
SELECT * FROM final ORDER BY org_code
