-- One measure of students' experience that a report gives with its own head count (out-of-school suspension
-- among the students counted; four-year graduation among the cohort): per school year and organization, the
-- rate and the count it is of, for All Students and for White students. An organization is in a year's figure
-- only where both are published (DESE leaves a rate blank where fewer than 6 were counted: not published,
-- never 0). Template: {{table}}, {{rate}} and {{base}} filled by analytics/students.py.
WITH rows AS (
    SELECT school_year, org_code, student_group, {{rate}} AS rate, {{base}}::DOUBLE AS base
    FROM {{table}}
    WHERE student_group IN ('All Students', 'White')
      AND ($year_from IS NULL OR school_year >= $year_from)
      AND ($year_to IS NULL OR school_year <= $year_to)
),
paired AS (
    SELECT school_year, org_code,
           max(rate) FILTER (WHERE student_group = 'All Students') AS rate_all,
           max(base) FILTER (WHERE student_group = 'All Students') AS base_all,
           max(rate) FILTER (WHERE student_group = 'White') AS rate_white,
           max(base) FILTER (WHERE student_group = 'White') AS base_white
    FROM rows
    GROUP BY ALL
),
final AS (
    SELECT p.school_year, p.org_code, o.region, o.org_type, p.rate_all, p.base_all, p.rate_white, p.base_white
    FROM paired p JOIN organizations o USING (org_code)
)
SELECT * FROM final ORDER BY school_year, org_code
