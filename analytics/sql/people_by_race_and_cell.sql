-- One school year's make-up by race/ethnicity, per population (each job class, and Students), region and
-- organization type: the counts behind the race make-up chart (filters pick whole cells; privacy.py
-- decides from every cell which views may be shown). Unknown race is left out.
WITH staff AS (
    SELECT s.job_class AS population, o.region, o.org_type, s.race, sum(s.fte) AS people
    FROM current_staffing s JOIN organizations o USING (org_code)
    WHERE s.school_year = $school_year AND list_contains($known_races, s.race)
    GROUP BY ALL
),
pupils AS (
    SELECT 'Students' AS population, o.region, o.org_type, e.race, sum(e.students)::DOUBLE AS people
    FROM current_enrollment e JOIN organizations o USING (org_code)
    WHERE e.school_year = $school_year AND list_contains($known_races, e.race)
    GROUP BY ALL
),
final AS (
    SELECT population, region, org_type, race, round(people, 6) AS people
    FROM (SELECT * FROM staff UNION ALL SELECT * FROM pupils)
)
SELECT * FROM final ORDER BY population, region, org_type, race
