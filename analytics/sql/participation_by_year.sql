-- Organizations taking part in Influence 100, by school year: how many, how many for the first time,
-- in each component, and (cumulatively) how many have adopted a workforce-diversity strategy.
WITH orgs AS (
    SELECT org_code FROM filtered_organizations($regions, $org_types)
),
rows AS (
    SELECT p.* FROM current_participation p JOIN orgs USING (org_code)
),
first_year AS (
    SELECT org_code, min(school_year) AS first_year FROM rows GROUP BY org_code
),
first_strategy AS (
    SELECT org_code, min(school_year) AS strategy_year FROM rows WHERE strategy_adopted GROUP BY org_code
),
per_year AS (
    SELECT r.school_year,
           count(DISTINCT r.org_code) AS participating,
           count(DISTINCT r.org_code) FILTER (WHERE f.first_year = r.school_year) AS new,
           count(DISTINCT r.org_code) FILTER (WHERE r.component = 'capacity building') AS capacity_building,
           count(DISTINCT r.org_code) FILTER (WHERE r.component = 'fellowship') AS fellowship,
           count(DISTINCT r.org_code) FILTER (WHERE r.climate_assessment_done) AS climate_assessment_done
    FROM rows r JOIN first_year f USING (org_code)
    GROUP BY r.school_year
),
final AS (
    SELECT p.*,
           p.participating - p.new AS continuing,
           (SELECT count(*) FROM first_year f WHERE f.first_year <= p.school_year) AS cumulative_participating,
           (SELECT count(*) FROM first_strategy s WHERE s.strategy_year <= p.school_year) AS cumulative_strategy
    FROM per_year p
)
SELECT * FROM final
WHERE ($year_from IS NULL OR school_year >= $year_from)
  AND ($year_to IS NULL OR school_year <= $year_to)
ORDER BY school_year
