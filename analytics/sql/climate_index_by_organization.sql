-- The VOCAL climate index per school year and organization, for All Students and White students: the
-- all-grades row where the file has one, else the grades together, each weighted by its respondents (or
-- counted alike where no respondents are given). Respondents where given; else the organization's enrollment
-- (students of known race, White students) stands as the weight. Not published stays NULL.
WITH rows AS (
    SELECT school_year, org_code, student_group, grade, index_overall AS idx, respondents::DOUBLE AS n
    FROM current_climate_survey
    WHERE student_group IN ('All Students', 'White') AND index_overall IS NOT NULL
      AND ($year_from IS NULL OR school_year >= $year_from)
      AND ($year_to IS NULL OR school_year <= $year_to)
),
whole AS (
    -- The all-grades row, else the grades weighted by respondents.
    SELECT school_year, org_code, student_group,
           coalesce(max(idx) FILTER (WHERE grade = 'All'),
                    sum(idx * coalesce(n, 1)) / sum(coalesce(n, 1))) AS idx,
           coalesce(max(n) FILTER (WHERE grade = 'All'), sum(n)) AS n
    FROM rows
    GROUP BY ALL
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
           max(idx) FILTER (WHERE student_group = 'All Students') AS rate_all,
           max(n) FILTER (WHERE student_group = 'All Students') AS n_all,
           max(idx) FILTER (WHERE student_group = 'White') AS rate_white,
           max(n) FILTER (WHERE student_group = 'White') AS n_white
    FROM whole
    GROUP BY ALL
),
final AS (
    SELECT p.school_year, p.org_code, o.region, o.org_type, p.rate_all,
           coalesce(p.n_all, e.base_all) AS base_all, p.rate_white, coalesce(p.n_white, e.base_white) AS base_white,
           p.n_all IS NOT NULL AS by_respondents
    FROM paired p
    JOIN organizations o USING (org_code)
    LEFT JOIN pupils e USING (school_year, org_code)
)
SELECT * FROM final ORDER BY school_year, org_code
