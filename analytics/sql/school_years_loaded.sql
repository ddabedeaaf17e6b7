-- Every school year for which any current staffing, enrollment or participation facts exist.
WITH years AS (
    SELECT DISTINCT school_year FROM current_staffing
    UNION SELECT DISTINCT school_year FROM current_enrollment
    UNION SELECT DISTINCT school_year FROM current_participation
),
final AS (
    SELECT school_year FROM years
)
SELECT school_year FROM final ORDER BY school_year
