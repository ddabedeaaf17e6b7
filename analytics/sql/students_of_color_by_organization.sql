-- Per school year and organization: students with a known race (total) and students of color, with the
-- organization's region and type. Every organization, whatever the region and type filters (privacy.py
-- decides which views may be shown from the whole state); the year range applies.
WITH per_race AS (
    SELECT school_year, org_code, race, sum(students) AS students
    FROM current_enrollment
    WHERE ($year_from IS NULL OR school_year >= $year_from)
      AND ($year_to IS NULL OR school_year <= $year_to)
    GROUP BY ALL
),
per_org AS (
    SELECT school_year, org_code,
           coalesce(sum(students) FILTER (WHERE list_contains($people_of_color, race)), 0)::DOUBLE AS of_color,
           sum(students) FILTER (WHERE list_contains($known_races, race))::DOUBLE AS total
    FROM per_race
    GROUP BY ALL
),
final AS (
    SELECT 'Students' AS population, p.school_year, p.org_code, o.region, o.org_type, p.of_color, p.total
    FROM per_org p JOIN organizations o USING (org_code)
    WHERE p.total > 0
)
SELECT * FROM final ORDER BY school_year, org_code
