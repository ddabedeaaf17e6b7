-- Per population (each chosen job class's FTE, and 'Students' when $students), school year, region and
-- organization type: people with a known race (total) and people of color. Every cell, whatever the
-- filters: analytics/privacy.py decides from the whole state which views may be shown (filters pick whole
-- cells). The year range applies (each year is decided on its own). Rounded to 6 decimals, as privacy.py
-- rounds the same sums built from organizations, so both give the same blocks.
WITH staff AS (
    SELECT s.job_class AS population, s.school_year, o.region, o.org_type, s.race, sum(s.fte) AS people
    FROM current_staffing s JOIN organizations o USING (org_code)
    WHERE list_contains($job_classes, s.job_class)
      AND ($year_from IS NULL OR s.school_year >= $year_from)
      AND ($year_to IS NULL OR s.school_year <= $year_to)
    GROUP BY ALL
),
pupils AS (
    SELECT 'Students' AS population, e.school_year, o.region, o.org_type, e.race, sum(e.students)::DOUBLE AS people
    FROM current_enrollment e JOIN organizations o USING (org_code)
    WHERE $students
      AND ($year_from IS NULL OR e.school_year >= $year_from)
      AND ($year_to IS NULL OR e.school_year <= $year_to)
    GROUP BY ALL
),
per_cell AS (
    -- Summed per race first (a few thousand rows), sorted into known / of color after.
    SELECT population, school_year, region, org_type,
           coalesce(sum(people) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color,
           coalesce(sum(people) FILTER (WHERE list_contains($known_races, race)), 0) AS total
    FROM (SELECT * FROM staff UNION ALL SELECT * FROM pupils)
    GROUP BY ALL
),
final AS (
    SELECT population, school_year, region, org_type, round(of_color, 6) AS of_color, round(total, 6) AS total
    FROM per_cell
    WHERE total > 0
)
SELECT * FROM final ORDER BY population, school_year, region, org_type
