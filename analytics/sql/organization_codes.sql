-- Every organization code the warehouse knows, with its name (to tell new organizations in an upload).
WITH final AS (
    SELECT org_code, name FROM organizations
)
SELECT org_code, name FROM final ORDER BY org_code
