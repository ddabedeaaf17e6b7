-- Per population (each chosen job class's FTE, and 'Students' when $students), school year and
-- organization: people with a known race (total) and people of color, with the organization's region and
-- type. Every organization, whatever the filters: a profile (one organization) is shown only where that
-- organization is a block of its own, which analytics/privacy.py decides from all of them. The year range
-- applies. One pass over the rows, sorted into known / of color as they are summed: grouping by race first
-- cost a national warehouse's 7 million staffing rows a second more. FTE is summed as a decimal (to a
-- millionth), exactly: a sum of doubles depends on the order DuckDB's threads add them in, and the privacy
-- cut stands on these sums, so two runs (two servers) must get the very same ones.
WITH staff AS (
    SELECT job_class AS population, school_year, org_code,
           coalesce(sum(fte::DECIMAL(18, 6)) FILTER (WHERE list_contains($people_of_color, race)), 0)::DOUBLE
               AS of_color,
           coalesce(sum(fte::DECIMAL(18, 6)) FILTER (WHERE list_contains($known_races, race)), 0)::DOUBLE
               AS total
    FROM current_staffing
    WHERE list_contains($job_classes, job_class)
      AND ($year_from IS NULL OR school_year >= $year_from)
      AND ($year_to IS NULL OR school_year <= $year_to)
    GROUP BY ALL
),
pupils AS (
    SELECT 'Students' AS population, school_year, org_code,
           coalesce(sum(students) FILTER (WHERE list_contains($people_of_color, race)), 0)::DOUBLE AS of_color,
           coalesce(sum(students) FILTER (WHERE list_contains($known_races, race)), 0)::DOUBLE AS total
    FROM current_enrollment
    WHERE $students
      AND ($year_from IS NULL OR school_year >= $year_from)
      AND ($year_to IS NULL OR school_year <= $year_to)
    GROUP BY ALL
),
final AS (
    SELECT p.population, p.school_year, p.org_code, o.region, o.org_type, p.of_color, p.total
    FROM (SELECT * FROM staff UNION ALL SELECT * FROM pupils) p
    JOIN organizations o USING (org_code)
    WHERE p.total > 0
)
SELECT * FROM final ORDER BY population, school_year, org_code
