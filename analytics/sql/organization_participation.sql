-- One organization's Influence 100 participation, year by year.
WITH rows AS (
    SELECT * FROM current_participation WHERE org_code = $org_code
),
final AS (
    SELECT school_year,
           bool_or(component = 'fellowship') AS fellowship,
           bool_or(component = 'capacity building') AS capacity_building,
           bool_or(strategy_adopted) AS strategy_adopted,
           bool_or(climate_assessment_done) AS climate_assessment_done
    FROM rows
    GROUP BY school_year
)
SELECT * FROM final ORDER BY school_year
