-- Every earlier release's figures of some families ($families): each unit's from the release they changed
-- in on, for the checks of the next release (analytics/privacy.py: reconcile).
WITH final AS (
    SELECT release_id, family, key_a, key_b, unit, org_code, vals
    FROM release_history
    WHERE list_contains($families, family)
)
SELECT * FROM final ORDER BY family, key_a, key_b, unit, release_id
