-- What saving an enrollment upload (registered as incoming_facts) would change. One row per organization
-- and school year it covers (scope 'organization'), and per school year statewide (scope 'state'):
-- students with a known race and students of color, now and with the upload.
WITH incoming AS (
    SELECT school_year, org_code, race, students FROM incoming_facts
),
covered AS (
    SELECT DISTINCT school_year, org_code FROM incoming
),
scopes AS (
    SELECT DISTINCT school_year FROM covered
),
now_rows AS (
    SELECT school_year, org_code, race, students FROM current_enrollment
),
after_rows AS (
    SELECT n.* FROM now_rows n ANTI JOIN covered USING (school_year, org_code)
    UNION ALL
    SELECT * FROM incoming
),
org_now AS (
    SELECT school_year, org_code,
           sum(students) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum(students) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM now_rows JOIN covered USING (school_year, org_code)
    GROUP BY ALL
),
org_after AS (
    SELECT school_year, org_code,
           sum(students) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum(students) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM incoming
    GROUP BY ALL
),
state_now AS (
    SELECT school_year,
           sum(students) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum(students) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM now_rows JOIN scopes USING (school_year)
    GROUP BY ALL
),
state_after AS (
    SELECT school_year,
           sum(students) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum(students) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM after_rows JOIN scopes USING (school_year)
    GROUP BY ALL
),
final AS (
    SELECT 'organization' AS scope, c.org_code, o.name, c.school_year, NULL::VARCHAR AS job_class,
           b.total AS total_now, b.of_color AS of_color_now, a.total AS total_after, a.of_color AS of_color_after
    FROM covered c
    LEFT JOIN org_now b USING (school_year, org_code)
    LEFT JOIN org_after a USING (school_year, org_code)
    LEFT JOIN organizations o USING (org_code)
    UNION ALL
    SELECT 'state', NULL, 'Statewide', s.school_year, NULL, b.total, b.of_color, a.total, a.of_color
    FROM scopes s
    LEFT JOIN state_now b USING (school_year)
    LEFT JOIN state_after a USING (school_year)
)
SELECT scope, org_code, name, school_year, job_class,
       total_now::DOUBLE AS total_now, of_color_now::DOUBLE AS of_color_now,
       total_after::DOUBLE AS total_after, of_color_after::DOUBLE AS of_color_after,
       of_color_now / nullif(total_now, 0) AS share_now,
       of_color_after / nullif(total_after, 0) AS share_after
FROM final
ORDER BY scope DESC, school_year, name, org_code
