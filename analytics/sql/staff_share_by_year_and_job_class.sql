-- FTE of the chosen job classes by school year, statewide (or within the filtered organizations, or one
-- organization): all FTE with a known race, FTE of people of color, and the share. Facts are stored once
-- per organization, so summing over organizations counts each person once. FTE is summed per race first
-- and sorted into known / of color after, on a few dozen rows instead of every fact row.
WITH orgs AS (
    SELECT org_code FROM filtered_organizations($regions, $org_types)
),
staff AS (
    SELECT s.school_year, s.job_class, s.race, sum(s.fte) AS fte
    FROM current_staffing s
    JOIN orgs USING (org_code)
    WHERE list_contains($job_classes, s.job_class)
      AND ($year_from IS NULL OR s.school_year >= $year_from)
      AND ($year_to IS NULL OR s.school_year <= $year_to)
      AND ($org_code IS NULL OR s.org_code = $org_code)
    GROUP BY ALL
),
final AS (
    SELECT school_year, job_class,
           sum(fte) FILTER (WHERE list_contains($known_races, race)) AS fte,
           coalesce(sum(fte) FILTER (WHERE list_contains($people_of_color, race)), 0) AS fte_of_color
    FROM staff
    GROUP BY school_year, job_class
)
SELECT school_year, job_class, fte, fte_of_color, fte_of_color / nullif(fte, 0) AS share
FROM final
WHERE fte > 0
ORDER BY job_class, school_year
