-- Per job class, school year and organization: FTE with a known race (total) and FTE of people of color,
-- with the organization's region and type. Every organization, whatever the region and type filters:
-- analytics/privacy.py needs the whole state to decide which views may be shown. The year range applies
-- (each year is decided on its own). FTE is summed per race first and sorted into known / of color after.
WITH per_race AS (
    SELECT job_class, school_year, org_code, race, sum(fte) AS fte
    FROM current_staffing
    WHERE list_contains($job_classes, job_class)
      AND ($year_from IS NULL OR school_year >= $year_from)
      AND ($year_to IS NULL OR school_year <= $year_to)
    GROUP BY ALL
),
per_org AS (
    SELECT job_class, school_year, org_code,
           coalesce(sum(fte) FILTER (WHERE list_contains($people_of_color, race)), 0) AS of_color,
           sum(fte) FILTER (WHERE list_contains($known_races, race)) AS total
    FROM per_race
    GROUP BY ALL
),
final AS (
    SELECT p.job_class AS population, p.school_year, p.org_code, o.region, o.org_type, p.of_color, p.total
    FROM per_org p JOIN organizations o USING (org_code)
    WHERE p.total > 0
)
SELECT * FROM final ORDER BY population, school_year, org_code
