-- Per job class (staffing; NULL for enrollment), school year and organization: whether the organization
-- reported (it has facts that count now), and whether a live statewide upload listed it for that year (the
-- list the year's coverage is measured against). analytics/coverage.py decides what was expected.
WITH reported AS (
    SELECT job_class, school_year, org_code FROM current_staffing
    WHERE $kind = 'staffing' AND list_contains($job_classes, job_class)
    GROUP BY ALL
    UNION ALL
    SELECT NULL, school_year, org_code FROM current_enrollment
    WHERE $kind = 'enrollment'
    GROUP BY ALL
),
statewide AS (
    SELECT upload_id FROM uploads WHERE covers_state AND status <> 'rolled back' AND kind = $kind
),
listed AS (
    SELECT job_class, school_year, org_code FROM staffing
    WHERE $kind = 'staffing' AND upload_id IN (SELECT upload_id FROM statewide)
      AND list_contains($job_classes, job_class)
    GROUP BY ALL
    UNION ALL
    SELECT NULL, school_year, org_code FROM enrollment
    WHERE $kind = 'enrollment' AND upload_id IN (SELECT upload_id FROM statewide)
    GROUP BY ALL
),
final AS (
    SELECT coalesce(r.job_class, l.job_class) AS job_class,
           coalesce(r.school_year, l.school_year) AS school_year,
           coalesce(r.org_code, l.org_code) AS org_code,
           r.org_code IS NOT NULL AS reported,
           l.org_code IS NOT NULL AS listed
    FROM reported r
    FULL OUTER JOIN listed l
      ON r.school_year = l.school_year AND r.org_code = l.org_code
     AND r.job_class IS NOT DISTINCT FROM l.job_class
)
SELECT * FROM final ORDER BY job_class, school_year, org_code
