-- Each organization that has taken part in Influence 100, and the first school year it did: from then on it
-- counts among Influence 100's organizations in a comparison with all others.
WITH final AS (
    SELECT org_code, min(school_year) AS first_year FROM current_participation GROUP BY org_code
)
SELECT * FROM final ORDER BY org_code
