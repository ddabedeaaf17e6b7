-- Every school year for which any current staffing, enrollment, participation or students' experience facts
-- exist (the range the year filter offers).
WITH years AS (
    SELECT DISTINCT school_year FROM current_staffing
    UNION SELECT DISTINCT school_year FROM current_enrollment
    UNION SELECT DISTINCT school_year FROM current_participation
    UNION SELECT DISTINCT school_year FROM current_student_discipline
    UNION SELECT DISTINCT school_year FROM current_student_attendance
    UNION SELECT DISTINCT school_year FROM current_graduation
    UNION SELECT DISTINCT school_year FROM current_climate_survey
),
final AS (
    SELECT school_year FROM years
)
SELECT school_year FROM final ORDER BY school_year
