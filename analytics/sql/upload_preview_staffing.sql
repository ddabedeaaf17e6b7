-- What saving a staffing upload (registered as incoming_facts) would change. One row per organization,
-- school year and job class it covers (scope 'organization'), and per school year and job class statewide
-- (scope 'state'): FTE with a known race and FTE of color, now and with the upload.
WITH incoming AS (
    SELECT school_year, org_code, job_class, race, fte FROM incoming_facts
),
covered AS (
    SELECT DISTINCT school_year, org_code, job_class FROM incoming
),
scopes AS (
    SELECT DISTINCT school_year, job_class FROM covered
),
now_rows AS (
    SELECT school_year, org_code, job_class, race, fte FROM current_staffing
),
after_rows AS (
    SELECT n.* FROM now_rows n ANTI JOIN covered USING (school_year, org_code, job_class)
    UNION ALL
    SELECT * FROM incoming
),
org_now AS (
    SELECT school_year, org_code, job_class,
           sum(fte) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum(fte) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM now_rows JOIN covered USING (school_year, org_code, job_class)
    GROUP BY ALL
),
org_after AS (
    SELECT school_year, org_code, job_class,
           sum(fte) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum(fte) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM incoming
    GROUP BY ALL
),
state_now AS (
    SELECT school_year, job_class,
           sum(fte) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum(fte) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM now_rows JOIN scopes USING (school_year, job_class)
    GROUP BY ALL
),
state_after AS (
    SELECT school_year, job_class,
           sum(fte) FILTER (WHERE list_contains($known_races, race)) AS total,
           coalesce(sum(fte) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color
    FROM after_rows JOIN scopes USING (school_year, job_class)
    GROUP BY ALL
),
final AS (
    SELECT 'organization' AS scope, c.org_code, o.name, c.school_year, c.job_class,
           b.total AS total_now, b.of_color AS of_color_now, a.total AS total_after, a.of_color AS of_color_after
    FROM covered c
    LEFT JOIN org_now b USING (school_year, org_code, job_class)
    LEFT JOIN org_after a USING (school_year, org_code, job_class)
    LEFT JOIN organizations o USING (org_code)
    UNION ALL
    SELECT 'state', NULL, 'Statewide', s.school_year, s.job_class,
           b.total, b.of_color, a.total, a.of_color
    FROM scopes s
    LEFT JOIN state_now b USING (school_year, job_class)
    LEFT JOIN state_after a USING (school_year, job_class)
)
SELECT scope, org_code, name, school_year, job_class, total_now, of_color_now, total_after, of_color_after,
       of_color_now / nullif(total_now, 0) AS share_now,
       of_color_after / nullif(total_after, 0) AS share_after
FROM final
ORDER BY scope DESC, school_year, job_class, name, org_code
