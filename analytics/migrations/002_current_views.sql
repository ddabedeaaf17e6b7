-- What counts now. An upload's rows count unless it was rolled back; where two live uploads cover the
-- same key (kind-specific: organization + school year [+ job class], or a fellows cohort), the newer wins.
-- Rolling the newer one back makes the older count again, with no copying.

CREATE MACRO spring_year(sy) AS CAST(left(sy, 4) AS INTEGER) + 1;

CREATE VIEW live_uploads AS
SELECT upload_id, kind, is_sample FROM uploads WHERE status <> 'rolled back';

CREATE VIEW current_staffing AS
WITH live AS (
    SELECT s.* FROM staffing s JOIN live_uploads u USING (upload_id)
),
newest AS (
    SELECT school_year, org_code, job_class, max(upload_id) AS upload_id FROM live GROUP BY ALL
),
final AS (
    SELECT live.* FROM live JOIN newest USING (school_year, org_code, job_class, upload_id)
)
SELECT * FROM final;

CREATE VIEW current_enrollment AS
WITH live AS (
    SELECT e.* FROM enrollment e JOIN live_uploads u USING (upload_id)
),
newest AS (
    SELECT school_year, org_code, max(upload_id) AS upload_id FROM live GROUP BY ALL
),
final AS (
    SELECT live.* FROM live JOIN newest USING (school_year, org_code, upload_id)
)
SELECT * FROM final;

CREATE VIEW current_fellows AS
WITH live AS (
    SELECT f.* FROM fellows f JOIN live_uploads u USING (upload_id)
),
newest AS (
    SELECT cohort, max(upload_id) AS upload_id FROM live GROUP BY ALL
),
final AS (
    SELECT live.* FROM live JOIN newest USING (cohort, upload_id)
)
SELECT * FROM final;

CREATE VIEW current_participation AS
WITH live AS (
    SELECT p.* FROM participation p JOIN live_uploads u USING (upload_id)
),
newest AS (
    SELECT org_code, school_year, max(upload_id) AS upload_id FROM live GROUP BY ALL
),
final AS (
    SELECT live.* FROM live JOIN newest USING (org_code, school_year, upload_id)
)
SELECT * FROM final;

CREATE VIEW current_equity_leaders AS
WITH live AS (
    SELECT q.* FROM equity_leaders q JOIN live_uploads u USING (upload_id)
),
newest AS (
    SELECT org_code, school_year, max(upload_id) AS upload_id FROM live GROUP BY ALL
),
final AS (
    SELECT live.* FROM live JOIN newest USING (org_code, school_year, upload_id)
)
SELECT * FROM final;

-- Organizations passing the sidebar filters; NULL means "any". Queries join to it by org_code.
CREATE MACRO filtered_organizations(regions, org_types) AS TABLE
SELECT org_code, name, org_type, region
FROM organizations
WHERE (regions IS NULL OR list_contains(regions, region))
  AND (org_types IS NULL OR list_contains(org_types, org_type));
