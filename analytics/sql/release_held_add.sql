-- What this release ($release_id) held back or hid, from the frame registered as incoming_release_held.
INSERT INTO release_held (release_id, family, key_a, key_b, organizations, change, outcome)
SELECT $release_id, family, key_a, key_b, organizations, change, outcome
FROM incoming_release_held
