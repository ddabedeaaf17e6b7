-- One upload's kind (the table it filled), status, organizations and whether a district made it (what
-- analytics/access.py decides rights by); no row when there is no such upload.
SELECT kind, status, org_codes, district_upload FROM uploads WHERE upload_id = $upload_id
