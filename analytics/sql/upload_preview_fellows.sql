-- What saving a fellows upload (registered as incoming_facts) would change, per cohort it covers: fellows
-- and fellows of color now and with the upload. "With the upload" is the rule of
-- current_rows_newest_live.sql: the upload would be the newest of every {{key}} it covers (a newer list of a
-- cohort replaces the older). Template: filled from the contract by analytics/ingest/preview.py.
WITH incoming AS (
    SELECT * FROM incoming_facts
),
covered AS (
    SELECT DISTINCT {{key}} FROM incoming
),
cohorts AS (
    SELECT DISTINCT cohort FROM incoming
),
now_rows AS (
    SELECT * FROM {{current}}
),
after_rows AS (
    SELECT n.* EXCLUDE (upload_id) FROM now_rows n ANTI JOIN covered USING ({{key}})
    UNION ALL BY NAME
    SELECT * FROM incoming
),
now_counts AS (
    SELECT cohort, count(*) AS total,
           count(*) FILTER (WHERE list_contains($people_of_color, race)) AS of_color
    FROM now_rows JOIN cohorts USING (cohort)
    GROUP BY ALL
),
after_counts AS (
    SELECT cohort, count(*) AS total,
           count(*) FILTER (WHERE list_contains($people_of_color, race)) AS of_color
    FROM after_rows JOIN cohorts USING (cohort)
    GROUP BY ALL
),
final AS (
    SELECT 'state' AS scope, NULL::VARCHAR AS org_code, 'Statewide' AS name,
           'cohort ' || CAST(c.cohort AS INTEGER) AS school_year, NULL::VARCHAR AS job_class,
           b.total::DOUBLE AS total_now, b.of_color::DOUBLE AS of_color_now,
           a.total::DOUBLE AS total_after, a.of_color::DOUBLE AS of_color_after, c.cohort
    FROM cohorts c
    LEFT JOIN now_counts b USING (cohort)
    LEFT JOIN after_counts a USING (cohort)
)
SELECT scope, org_code, name, school_year, job_class, total_now, of_color_now, total_after, of_color_after,
       of_color_now / nullif(total_now, 0) AS share_now,
       of_color_after / nullif(total_after, 0) AS share_after
FROM final
ORDER BY cohort
