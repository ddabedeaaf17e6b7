-- One organization's equity-leader position and AMSEL membership, year by year.
WITH final AS (
    SELECT school_year, has_equity_leader, amsel_member
    FROM current_equity_leaders
    WHERE org_code = $org_code
)
SELECT * FROM final ORDER BY school_year
