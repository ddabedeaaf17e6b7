-- FTE of one job class by school year and region (or organization type): all FTE with a known race,
-- FTE of people of color. Small groups are suppressed afterwards, in analytics/privacy.py.
WITH orgs AS (
    SELECT org_code, CASE WHEN $group_by = 'region' THEN region ELSE org_type END AS group_name
    FROM filtered_organizations($regions, $org_types)
),
staff AS (
    SELECT s.school_year, orgs.group_name, s.race, sum(s.fte) AS fte
    FROM current_staffing s
    JOIN orgs USING (org_code)
    WHERE s.job_class = $job_class
      AND ($year_from IS NULL OR s.school_year >= $year_from)
      AND ($year_to IS NULL OR s.school_year <= $year_to)
    GROUP BY ALL
),
final AS (
    SELECT school_year, group_name,
           sum(fte) FILTER (WHERE list_contains($known_races, race)) AS fte,
           coalesce(sum(fte) FILTER (WHERE list_contains($people_of_color, race)), 0) AS fte_of_color
    FROM staff
    GROUP BY ALL
)
SELECT school_year, group_name, fte, fte_of_color, fte_of_color / nullif(fte, 0) AS share
FROM final
WHERE fte > 0
ORDER BY school_year, group_name
