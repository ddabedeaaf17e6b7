-- What saving an equity-leaders upload (registered as incoming_facts) would change, per school year it
-- covers: organizations with an equity-leader position (total) and AMSEL members (of_color column reused),
-- now and with the upload. "With the upload" is the rule of current_rows_newest_live.sql: the upload would
-- be the newest of every {{key}} it covers. Template: filled from the contract by analytics/ingest/preview.py.
WITH incoming AS (
    SELECT org_code, school_year, has_equity_leader, amsel_member FROM incoming_facts
),
covered AS (
    SELECT DISTINCT {{key}} FROM incoming
),
scopes AS (
    SELECT DISTINCT school_year FROM incoming
),
now_rows AS (
    SELECT org_code, school_year, has_equity_leader, amsel_member FROM {{current}}
),
after_rows AS (
    SELECT n.* FROM now_rows n ANTI JOIN covered USING ({{key}})
    UNION ALL
    SELECT * FROM incoming
),
now_counts AS (
    SELECT school_year, count(*) FILTER (WHERE has_equity_leader) AS total,
           count(*) FILTER (WHERE amsel_member) AS of_color
    FROM now_rows JOIN scopes USING (school_year)
    GROUP BY ALL
),
after_counts AS (
    SELECT school_year, count(*) FILTER (WHERE has_equity_leader) AS total,
           count(*) FILTER (WHERE amsel_member) AS of_color
    FROM after_rows JOIN scopes USING (school_year)
    GROUP BY ALL
),
final AS (
    SELECT 'state' AS scope, NULL::VARCHAR AS org_code, 'Statewide' AS name, s.school_year,
           NULL::VARCHAR AS job_class,
           b.total::DOUBLE AS total_now, b.of_color::DOUBLE AS of_color_now,
           a.total::DOUBLE AS total_after, a.of_color::DOUBLE AS of_color_after
    FROM scopes s
    LEFT JOIN now_counts b USING (school_year)
    LEFT JOIN after_counts a USING (school_year)
)
SELECT *, NULL::DOUBLE AS share_now, NULL::DOUBLE AS share_after FROM final ORDER BY school_year
