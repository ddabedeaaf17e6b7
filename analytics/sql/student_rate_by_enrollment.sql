-- One measure of students' experience that a report gives as a rate only (chronic absence): per school year
-- and organization, the rate for All Students and for White students, each weighted by the organization's
-- enrollment that year (students of known race, and White students: the warehouse's enrollment), since the
-- report carries no head counts per group. Not published (blank) stays NULL. Template: {{table}}, {{rate}}
-- filled by analytics/students.py.
WITH rows AS (
    SELECT school_year, org_code, student_group, {{rate}} AS rate
    FROM {{table}}
    WHERE student_group IN ('All Students', 'White')
      AND ($year_from IS NULL OR school_year >= $year_from)
      AND ($year_to IS NULL OR school_year <= $year_to)
),
pupils AS (
    SELECT school_year, org_code,
           sum(students) FILTER (WHERE list_contains($known_races, race))::DOUBLE AS base_all,
           coalesce(sum(students) FILTER (WHERE race = 'White'), 0)::DOUBLE AS base_white
    FROM current_enrollment
    GROUP BY ALL
),
paired AS (
    SELECT school_year, org_code,
           max(rate) FILTER (WHERE student_group = 'All Students') AS rate_all,
           max(rate) FILTER (WHERE student_group = 'White') AS rate_white
    FROM rows
    GROUP BY ALL
),
final AS (
    SELECT p.school_year, p.org_code, o.region, o.org_type, p.rate_all, e.base_all, p.rate_white, e.base_white
    FROM paired p
    JOIN organizations o USING (org_code)
    LEFT JOIN pupils e USING (school_year, org_code)
)
SELECT * FROM final ORDER BY school_year, org_code
