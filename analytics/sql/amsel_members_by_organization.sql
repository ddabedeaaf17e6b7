-- The AMSEL network's members per school year and organization (or school outside DESE's organizations, in
-- region $outside_region and type $independent), with the counts privacy.py cuts into blocks. People: every
-- figure made from these goes through analytics/privacy.py. The year range applies.
WITH members AS (
    SELECT * FROM current_amsel_members
    WHERE ($year_from IS NULL OR school_year >= $year_from)
      AND ($year_to IS NULL OR school_year <= $year_to)
),
final AS (
    SELECT m.school_year,
           coalesce(m.org_code, 'outside: ' || m.outside_school) AS org_code,
           coalesce(o.name, m.outside_school) AS name,
           coalesce(o.region, $outside_region) AS region,
           coalesce(o.org_type, $independent) AS org_type,
           m.org_code IS NULL AS outside_dese,
           m.members, m.district_members, m.new_to_role, m.new_with_mentor, m.every_meeting,
           m.in_subcommittee
    FROM members m LEFT JOIN organizations o USING (org_code)
)
SELECT * FROM final ORDER BY school_year, org_code
