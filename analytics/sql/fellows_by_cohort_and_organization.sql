-- Influence 100 Fellows per cohort and home organization (with its region and type): how many, of color,
-- where they stand, their role at entry and later placements. Every organization, whatever the filters:
-- analytics/privacy.py decides from the whole program which views may be shown.
WITH final AS (
    SELECT f.cohort,
           min(f.start_year) AS start_year,
           f.home_org_code AS org_code,
           coalesce(o.region, 'Not yet assigned') AS region,
           coalesce(o.org_type, 'district') AS org_type,
           count(*) AS fellows,
           count(*) FILTER (WHERE list_contains($people_of_color, f.race)) AS of_color,
           count(*) FILTER (WHERE list_contains($known_races, f.race)) AS known_race,
           count(*) FILTER (WHERE f.status = 'active') AS active,
           count(*) FILTER (WHERE f.status = 'completed') AS completed,
           count(*) FILTER (WHERE f.status = 'withdrawn') AS withdrawn,
           count(*) FILTER (WHERE f.entry_role IN ('Principal', 'Assistant Principal')) AS entered_as_principal,
           count(*) FILTER (WHERE f.entry_role = 'Central Office') AS entered_from_central_office,
           count(*) FILTER (WHERE f.placement_role = 'Superintendent'
                            AND spring_year(f.placement_year) - spring_year(f.start_year) < 5) AS superintendent_within_5,
           count(*) FILTER (WHERE f.placement_role = 'Assistant Superintendent'
                            AND spring_year(f.placement_year) - spring_year(f.start_year) < 5) AS assistant_within_5
    FROM current_fellows f
    LEFT JOIN organizations o ON o.org_code = f.home_org_code
    GROUP BY f.cohort, f.home_org_code, o.region, o.org_type
)
SELECT * FROM final ORDER BY cohort, org_code
