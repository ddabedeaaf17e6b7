-- The latest release's units of several families at once ($families), as released_units_of_family.sql.
WITH final AS (
    SELECT family, key_a, key_b, unit, org_code, region, org_type, block, block_passes, vals
    FROM released_units
    WHERE list_contains($families, family)
)
SELECT * FROM final ORDER BY family, key_a, key_b, unit
