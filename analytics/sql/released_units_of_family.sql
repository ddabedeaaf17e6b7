-- The latest release's units of one family of figures ($family; analytics/releases.py names the figures
-- in `vals`), each with its key, organization, region and type as cut, and block.
WITH final AS (
    SELECT key_a, key_b, unit, org_code, region, org_type, block, block_passes, vals
    FROM released_units
    WHERE family = $family
)
SELECT * FROM final ORDER BY key_a, key_b, unit
