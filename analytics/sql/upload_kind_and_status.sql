-- One upload's kind (the table it filled) and status; no row when there is no such upload.
SELECT kind, status FROM uploads WHERE upload_id = $upload_id
