-- One row per organization (within the filters) that reported on its equity-leader position up to the end of
-- the chosen years: its latest report (year, position, AMSEL), the first year it had a position, the first
-- year it was in AMSEL, and whether it has taken part in Influence 100.
WITH orgs AS (
    SELECT * FROM filtered_organizations($regions, $org_types)
),
reports AS (
    SELECT * FROM current_equity_leaders
    WHERE ($year_to IS NULL OR school_year <= $year_to)
),
latest AS (
    SELECT org_code,
           max(school_year) AS latest_year,
           arg_max(has_equity_leader, school_year) AS has_equity_leader,
           arg_max(amsel_member, school_year) AS amsel_member,
           min(school_year) FILTER (WHERE has_equity_leader) AS leader_since,
           min(school_year) FILTER (WHERE amsel_member) AS amsel_since
    FROM reports
    GROUP BY org_code
),
influence_100 AS (
    SELECT DISTINCT org_code FROM current_participation
    WHERE ($year_to IS NULL OR school_year <= $year_to)
),
final AS (
    SELECT o.org_code, o.name, o.org_type, o.region, l.latest_year, l.has_equity_leader, l.amsel_member,
           l.leader_since, l.amsel_since, i.org_code IS NOT NULL AS in_influence_100
    FROM orgs o
    JOIN latest l USING (org_code)
    LEFT JOIN influence_100 i USING (org_code)
)
SELECT * FROM final ORDER BY name
