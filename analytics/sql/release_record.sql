-- One release (inside the writing transaction that writes its units).
INSERT INTO releases (release_id, released_at, released_by, data_version, held, summary)
VALUES ($release_id, $released_at, $released_by, $data_version, $held, $summary)
