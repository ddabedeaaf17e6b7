-- What saving a staffing or enrollment upload (registered as incoming_facts) would change: {{measure}} (FTE
-- or students) with a known race and of color, now and with the upload, for each {{key}} the upload covers
-- (scope 'organization') and statewide for each {{period}} (scope 'state': the key without the
-- organization). "With the upload" is the rule of current_rows_newest_live.sql: the upload would be the
-- newest of every key it covers. Template: filled from the contract by analytics/ingest/preview.py.
WITH preview_columns AS (
    -- The preview's columns, whatever the kind; a kind without job classes leaves job_class NULL.
    SELECT NULL::VARCHAR AS scope, NULL::VARCHAR AS org_code, NULL::VARCHAR AS name,
           NULL::VARCHAR AS school_year, NULL::VARCHAR AS job_class,
           NULL::DOUBLE AS total_now, NULL::DOUBLE AS of_color_now,
           NULL::DOUBLE AS total_after, NULL::DOUBLE AS of_color_after
    WHERE false
),
incoming AS (
    SELECT {{key}}, race, {{measure}} FROM incoming_facts
),
covered AS (
    SELECT DISTINCT {{key}} FROM incoming
),
periods AS (
    SELECT DISTINCT {{period}} FROM covered
),
now_rows AS (
    SELECT {{key}}, race, {{measure}} FROM {{current}}
),
after_rows AS (
    SELECT n.* FROM now_rows n ANTI JOIN covered USING ({{key}})
    UNION ALL
    SELECT * FROM incoming
),
org_now AS (
    SELECT {{key}},
           sum({{measure}}) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum({{measure}}) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM now_rows JOIN covered USING ({{key}})
    GROUP BY ALL
),
org_after AS (
    SELECT {{key}},
           sum({{measure}}) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum({{measure}}) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM incoming
    GROUP BY ALL
),
state_now AS (
    SELECT {{period}},
           sum({{measure}}) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum({{measure}}) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM now_rows JOIN periods USING ({{period}})
    GROUP BY ALL
),
state_after AS (
    SELECT {{period}},
           sum({{measure}}) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum({{measure}}) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM after_rows JOIN periods USING ({{period}})
    GROUP BY ALL
),
by_organization AS (
    SELECT 'organization' AS scope, c.{{org}} AS org_code, o.name, {{period}},
           b.total AS total_now, b.of_color AS of_color_now, a.total AS total_after, a.of_color AS of_color_after
    FROM covered c
    LEFT JOIN org_now b USING ({{key}})
    LEFT JOIN org_after a USING ({{key}})
    LEFT JOIN organizations o ON o.org_code = c.{{org}}
),
statewide AS (
    SELECT 'state' AS scope, 'Statewide' AS name, {{period}},
           b.total AS total_now, b.of_color AS of_color_now, a.total AS total_after, a.of_color AS of_color_after
    FROM periods p
    LEFT JOIN state_now b USING ({{period}})
    LEFT JOIN state_after a USING ({{period}})
),
final AS (
    SELECT * FROM preview_columns
    UNION ALL BY NAME
    SELECT * FROM by_organization
    UNION ALL BY NAME
    SELECT * FROM statewide
)
SELECT *,
       of_color_now / nullif(total_now, 0) AS share_now,
       of_color_after / nullif(total_after, 0) AS share_after
FROM final
ORDER BY scope DESC, school_year, job_class, name, org_code
