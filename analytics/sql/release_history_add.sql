-- The units whose figures changed in this release ($release_id), from the frame registered as
-- incoming_release_history (zeros for a unit that left).
INSERT INTO release_history (release_id, family, key_a, key_b, unit, org_code, vals)
SELECT $release_id, family, key_a, key_b, unit, org_code, vals
FROM incoming_release_history
