-- Per population (each job class's FTE, and Students), school year, organization and race: the people
-- behind the race make-up (unknown race is left out). Every organization: what may be shown is decided from
-- all of them. One school year ($school_year), or every year (NULL: a release cuts them all). FTE is summed
-- as a decimal (to a millionth), exactly, whatever order DuckDB's threads add the rows in: the privacy cut
-- stands on these sums, so two runs (two servers) must get the very same ones.
WITH staff AS (
    SELECT job_class AS population, school_year, org_code, race, sum(fte::DECIMAL(18, 6))::DOUBLE AS people
    FROM current_staffing
    WHERE list_contains($known_races, race) AND ($school_year IS NULL OR school_year = $school_year)
    GROUP BY ALL
),
pupils AS (
    SELECT 'Students' AS population, school_year, org_code, race, sum(students)::DOUBLE AS people
    FROM current_enrollment
    WHERE list_contains($known_races, race) AND ($school_year IS NULL OR school_year = $school_year)
    GROUP BY ALL
),
final AS (
    SELECT p.population, p.school_year, p.org_code, o.region, o.org_type, p.race, p.people
    FROM (SELECT * FROM staff UNION ALL SELECT * FROM pupils) p
    JOIN organizations o USING (org_code)
    WHERE p.people > 0
)
SELECT * FROM final ORDER BY population, school_year, org_code, race
