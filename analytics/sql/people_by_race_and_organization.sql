-- One school year's make-up by race/ethnicity, per population (each job class, and Students) and
-- organization, with the organization's region and type: the counts behind the race make-up chart. Every
-- organization (privacy.py decides which views may be shown from the whole state). Unknown race is left out.
WITH staff AS (
    SELECT job_class AS population, org_code, race, sum(fte) AS people
    FROM current_staffing
    WHERE school_year = $school_year AND list_contains($known_races, race)
    GROUP BY ALL
),
pupils AS (
    SELECT 'Students' AS population, org_code, race, sum(students)::DOUBLE AS people
    FROM current_enrollment
    WHERE school_year = $school_year AND list_contains($known_races, race)
    GROUP BY ALL
),
final AS (
    SELECT f.population, f.org_code, o.region, o.org_type, f.race, f.people
    FROM (SELECT * FROM staff UNION ALL SELECT * FROM pupils) f
    JOIN organizations o USING (org_code)
)
SELECT * FROM final ORDER BY population, org_code, race
