-- Influence 100 Fellows per cohort (home organization within the filters): size, people of color,
-- where they stand, and later placements.
WITH orgs AS (
    SELECT org_code FROM filtered_organizations($regions, $org_types)
),
fellows AS (
    SELECT f.* FROM current_fellows f JOIN orgs ON orgs.org_code = f.home_org_code
),
final AS (
    SELECT cohort,
           min(start_year) AS start_year,
           count(*) AS fellows,
           count(DISTINCT home_org_code) AS organizations,
           count(*) FILTER (WHERE list_contains($people_of_color, race)) AS of_color,
           count(*) FILTER (WHERE list_contains($known_races, race)) AS known_race,
           count(*) FILTER (WHERE status = 'active') AS active,
           count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'withdrawn') AS withdrawn,
           count(*) FILTER (WHERE entry_role IN ('Principal', 'Assistant Principal')) AS entered_as_principal,
           count(*) FILTER (WHERE entry_role = 'Central Office') AS entered_from_central_office,
           count(*) FILTER (WHERE placement_role = 'Superintendent'
                            AND spring_year(placement_year) - spring_year(start_year) < 5) AS superintendent_within_5,
           count(*) FILTER (WHERE placement_role = 'Assistant Superintendent'
                            AND spring_year(placement_year) - spring_year(start_year) < 5) AS assistant_within_5
    FROM fellows
    GROUP BY cohort
)
SELECT * FROM final ORDER BY cohort
