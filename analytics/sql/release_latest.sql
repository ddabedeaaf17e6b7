-- The latest release: when, by whom, from which data version, how many changes it held back; and the
-- warehouse's data version now (uploads saved since show as a later version).
WITH latest AS (
    SELECT * FROM releases ORDER BY release_id DESC LIMIT 1
),
final AS (
    SELECT l.release_id, l.released_at, l.released_by, l.data_version, l.held, l.summary,
           (SELECT value FROM warehouse_meta WHERE key = 'data_version') AS data_version_now
    FROM latest l
)
SELECT * FROM final
