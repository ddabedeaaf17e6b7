-- Per organization and school year: teachers of color share and students of color share, for the
-- parity measure (teacher share / student share). Counts come along for suppression.
WITH orgs AS (
    SELECT org_code, name FROM filtered_organizations($regions, $org_types)
),
teachers AS (
    SELECT org_code, school_year,
           sum(fte) FILTER (WHERE list_contains($known_races, race)) AS teacher_fte,
           coalesce(sum(fte) FILTER (WHERE list_contains($people_of_color, race)), 0) AS teacher_fte_of_color
    FROM current_staffing
    WHERE job_class = 'Teacher' AND school_year = $school_year
    GROUP BY ALL
),
pupils AS (
    SELECT org_code, school_year,
           sum(students) FILTER (WHERE list_contains($known_races, race)) AS students,
           coalesce(sum(students) FILTER (WHERE list_contains($people_of_color, race)), 0) AS students_of_color
    FROM current_enrollment
    WHERE school_year = $school_year
    GROUP BY ALL
),
final AS (
    SELECT o.org_code, o.name, t.school_year,
           t.teacher_fte, t.teacher_fte_of_color, p.students, p.students_of_color
    FROM teachers t
    JOIN pupils p USING (org_code, school_year)
    JOIN orgs o USING (org_code)
    WHERE t.teacher_fte > 0 AND p.students > 0
)
SELECT * FROM final ORDER BY name
