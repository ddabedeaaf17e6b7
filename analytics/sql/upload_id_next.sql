-- The id the next upload is saved under.
SELECT nextval('upload_id_seq') AS upload_id
