-- Every organization's region and type: what the sidebar filters pick by.
WITH final AS (
    SELECT org_code, region, org_type FROM organizations
)
SELECT * FROM final ORDER BY org_code
