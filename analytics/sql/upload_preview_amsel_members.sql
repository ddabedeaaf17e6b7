-- What saving an AMSEL membership list (registered as incoming_facts) would change, per school year it
-- covers: members now and with the list. A newer list of a year replaces the older whole (the rule of
-- current_rows_newest_live.sql), so only the number of members is previewed: nothing about who they are.
-- Template: filled from the contract by analytics/ingest/preview.py.
WITH incoming AS (
    SELECT * FROM incoming_facts
),
scopes AS (
    SELECT DISTINCT {{key}} FROM incoming
),
now_counts AS (
    SELECT school_year, sum(members) AS total FROM {{current}} JOIN scopes USING ({{key}}) GROUP BY ALL
),
after_counts AS (
    SELECT school_year, sum(members) AS total FROM incoming GROUP BY ALL
),
final AS (
    SELECT 'state' AS scope, NULL::VARCHAR AS org_code, 'Statewide' AS name, s.school_year,
           NULL::VARCHAR AS job_class,
           b.total::DOUBLE AS total_now, NULL::DOUBLE AS of_color_now,
           a.total::DOUBLE AS total_after, NULL::DOUBLE AS of_color_after
    FROM scopes s
    LEFT JOIN now_counts b USING (school_year)
    LEFT JOIN after_counts a USING (school_year)
)
SELECT *, NULL::DOUBLE AS share_now, NULL::DOUBLE AS share_after FROM final ORDER BY school_year
