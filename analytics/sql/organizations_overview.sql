-- One row per organization (within the filters; one organization's alone with $org_code, as its profile
-- asks): how it takes part in Influence 100 up to the end of the chosen years, fellows it sent, and its
-- diversity infrastructure in the latest year reported.
WITH orgs AS (
    SELECT * FROM filtered_organizations($regions, $org_types)
    WHERE $org_code IS NULL OR org_code = $org_code
),
taking_part AS (
    SELECT org_code,
           count(DISTINCT school_year) AS years_participating,
           min(school_year) AS first_year,
           max(school_year) AS last_year,
           bool_or(component = 'fellowship') AS in_fellowship,
           bool_or(component = 'capacity building') AS in_capacity_building,
           bool_or(strategy_adopted) AS strategy_adopted,
           bool_or(climate_assessment_done) AS climate_assessment_done
    FROM current_participation
    WHERE ($org_code IS NULL OR org_code = $org_code)
      AND ($year_from IS NULL OR school_year >= $year_from)
      AND ($year_to IS NULL OR school_year <= $year_to)
    GROUP BY org_code
),
fellows_sent AS (
    SELECT home_org_code AS org_code, count(*) AS fellows_sent
    FROM current_fellows
    WHERE ($org_code IS NULL OR home_org_code = $org_code)
      AND ($year_to IS NULL OR start_year <= $year_to)
    GROUP BY home_org_code
),
infrastructure AS (
    SELECT org_code,
           arg_max(has_equity_leader, school_year) AS equity_leader,
           arg_max(amsel_member, school_year) AS amsel_member
    FROM current_equity_leaders
    WHERE ($org_code IS NULL OR org_code = $org_code)
      AND ($year_to IS NULL OR school_year <= $year_to)
    GROUP BY org_code
),
final AS (
    SELECT o.org_code, o.name, o.org_type, o.region,
           coalesce(t.years_participating, 0) AS years_participating,
           t.first_year, t.last_year,
           coalesce(t.in_fellowship, false) AS in_fellowship,
           coalesce(t.in_capacity_building, false) AS in_capacity_building,
           coalesce(f.fellows_sent, 0) AS fellows_sent,
           coalesce(t.strategy_adopted, false) AS strategy_adopted,
           coalesce(t.climate_assessment_done, false) AS climate_assessment_done,
           i.equity_leader,
           i.amsel_member
    FROM orgs o
    LEFT JOIN taking_part t USING (org_code)
    LEFT JOIN fellows_sent f USING (org_code)
    LEFT JOIN infrastructure i USING (org_code)
)
SELECT * FROM final ORDER BY name
