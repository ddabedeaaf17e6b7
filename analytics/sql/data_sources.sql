-- What the current facts of each kind came from: how many live uploads, whether any is sample data,
-- and when the newest was saved (for chart subtitles: "Source: ...").
WITH final AS (
    SELECT kind,
           count(*) AS uploads,
           bool_or(is_sample) AS any_sample,
           bool_and(is_sample) AS all_sample,
           max(uploaded_at) AS latest_upload
    FROM uploads
    WHERE status = 'active'
    GROUP BY kind
)
SELECT * FROM final ORDER BY kind
