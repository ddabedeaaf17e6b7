-- Students by school year (or within the filtered organizations, or one organization): all with a known race, students of
-- color, and the share. Students are summed per race first and sorted into known / of color after.
WITH orgs AS (
    SELECT org_code FROM filtered_organizations($regions, $org_types)
),
pupils AS (
    SELECT e.school_year, e.race, sum(e.students) AS students
    FROM current_enrollment e
    JOIN orgs USING (org_code)
    WHERE ($year_from IS NULL OR e.school_year >= $year_from)
      AND ($year_to IS NULL OR e.school_year <= $year_to)
      AND ($org_code IS NULL OR e.org_code = $org_code)
    GROUP BY ALL
),
final AS (
    SELECT school_year,
           sum(students) FILTER (WHERE list_contains($known_races, race)) AS students,
           coalesce(sum(students) FILTER (WHERE list_contains($people_of_color, race)), 0) AS students_of_color
    FROM pupils
    GROUP BY school_year
)
SELECT school_year, students::BIGINT AS students, students_of_color::BIGINT AS students_of_color,
       students_of_color / nullif(students, 0) AS share
FROM final
WHERE students > 0
ORDER BY school_year
