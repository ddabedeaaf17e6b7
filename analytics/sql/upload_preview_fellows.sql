-- What saving a fellows upload (registered as incoming_facts) would change, per cohort it covers:
-- fellows and fellows of color now and with the upload (a newer list of a cohort replaces the older).
WITH incoming AS (
    SELECT cohort, race FROM incoming_facts
),
covered AS (
    SELECT DISTINCT cohort FROM incoming
),
now_counts AS (
    SELECT cohort, count(*) AS total,
           count(*) FILTER (WHERE list_contains($people_of_color, race)) AS of_color
    FROM current_fellows JOIN covered USING (cohort)
    GROUP BY ALL
),
after_counts AS (
    SELECT cohort, count(*) AS total,
           count(*) FILTER (WHERE list_contains($people_of_color, race)) AS of_color
    FROM incoming
    GROUP BY ALL
),
final AS (
    SELECT 'state' AS scope, NULL::VARCHAR AS org_code, 'Statewide' AS name,
           'cohort ' || CAST(c.cohort AS INTEGER) AS school_year, NULL::VARCHAR AS job_class,
           b.total::DOUBLE AS total_now, b.of_color::DOUBLE AS of_color_now,
           a.total::DOUBLE AS total_after, a.of_color::DOUBLE AS of_color_after, c.cohort
    FROM covered c
    LEFT JOIN now_counts b USING (cohort)
    LEFT JOIN after_counts a USING (cohort)
)
SELECT scope, org_code, name, school_year, job_class, total_now, of_color_now, total_after, of_color_after,
       of_color_now / nullif(total_now, 0) AS share_now,
       of_color_after / nullif(total_after, 0) AS share_after
FROM final
ORDER BY cohort
