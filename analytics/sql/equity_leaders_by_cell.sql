-- Per school year, region and organization type (the cells the sidebar filters pick): organizations that
-- reported on their equity-leader position, those with one, and those in AMSEL. Organizations, not people:
-- shown as they are. The year range applies.
WITH rows_in_range AS (
    SELECT q.school_year, o.region, o.org_type, q.has_equity_leader, q.amsel_member
    FROM current_equity_leaders q JOIN organizations o USING (org_code)
    WHERE ($year_from IS NULL OR q.school_year >= $year_from)
      AND ($year_to IS NULL OR q.school_year <= $year_to)
),
final AS (
    SELECT school_year, region, org_type,
           count(*) AS reported,
           count(*) FILTER (WHERE has_equity_leader) AS with_leader,
           count(*) FILTER (WHERE amsel_member) AS amsel
    FROM rows_in_range
    GROUP BY ALL
)
SELECT * FROM final ORDER BY school_year, region, org_type
