-- What the latest release held back or hid: per family and key, the organizations and the change.
WITH latest AS (
    SELECT max(release_id) AS release_id FROM releases
),
final AS (
    SELECT h.family, h.key_a, h.key_b, h.organizations, h.change, h.outcome
    FROM release_held h JOIN latest USING (release_id)
)
SELECT * FROM final ORDER BY family, key_a, key_b
