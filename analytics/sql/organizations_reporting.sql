-- Per job class (staffing; 0 for enrollment), school year and organization, as small integers (at national
-- scale a million rows): whether the organization reported (it has facts that count now), and whether a
-- live statewide upload listed it for that year (the list the year's coverage is measured against).
-- job: position in $job_classes; spring: the school year's spring year; org: position in organization_places.
-- analytics/coverage.py decides what was expected.
WITH places AS (
    SELECT org_code, row_number() OVER (ORDER BY org_code) - 1 AS org FROM organizations
),
reported AS (
    SELECT job_class, school_year, org_code FROM current_staffing
    WHERE $table = 'staffing' AND list_contains($job_classes, job_class)
    GROUP BY ALL
    UNION ALL
    SELECT NULL, school_year, org_code FROM current_enrollment
    WHERE $table = 'enrollment'
    GROUP BY ALL
),
statewide AS (
    SELECT upload_id FROM uploads WHERE covers_state AND status IN ('active', 'superseded') AND kind = $table
),
listed AS (
    SELECT job_class, school_year, org_code FROM staffing
    WHERE $table = 'staffing' AND upload_id IN (SELECT upload_id FROM statewide)
      AND list_contains($job_classes, job_class)
    GROUP BY ALL
    UNION ALL
    SELECT NULL, school_year, org_code FROM enrollment
    WHERE $table = 'enrollment' AND upload_id IN (SELECT upload_id FROM statewide)
    GROUP BY ALL
),
final AS (
    SELECT coalesce(list_position($job_classes, coalesce(r.job_class, l.job_class)), 0)::INTEGER AS job,
           spring_year(coalesce(r.school_year, l.school_year))::INTEGER AS spring,
           p.org::INTEGER AS org,
           r.org_code IS NOT NULL AS reported,
           l.org_code IS NOT NULL AS listed
    FROM reported r
    FULL OUTER JOIN listed l
      ON r.school_year = l.school_year AND r.org_code = l.org_code
     AND r.job_class IS NOT DISTINCT FROM l.job_class
    JOIN places p ON p.org_code = coalesce(r.org_code, l.org_code)
)
SELECT * FROM final ORDER BY job, spring, org
