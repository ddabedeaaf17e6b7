-- Statewide make-up by race/ethnicity in one school year: each job class's FTE, and students.
WITH orgs AS (
    SELECT org_code FROM filtered_organizations($regions, $org_types)
),
staff AS (
    SELECT s.job_class AS population, s.race, sum(s.fte) AS people
    FROM current_staffing s JOIN orgs USING (org_code)
    WHERE s.school_year = $school_year
    GROUP BY ALL
),
pupils AS (
    SELECT 'Students' AS population, e.race, sum(e.students)::DOUBLE AS people
    FROM current_enrollment e JOIN orgs USING (org_code)
    WHERE e.school_year = $school_year
    GROUP BY ALL
),
final AS (
    -- Unknown race is left out after summing: one test per race, not per fact row.
    SELECT * FROM (SELECT * FROM staff UNION ALL SELECT * FROM pupils)
    WHERE list_contains($known_races, race)
)
SELECT population, race, people, people / sum(people) OVER (PARTITION BY population) AS share
FROM final
ORDER BY population, race
