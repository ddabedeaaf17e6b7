-- The next release's units, from the frame registered as incoming_release_units.
INSERT INTO released_units (family, key_a, key_b, unit, org_code, region, org_type, block, block_passes, vals)
SELECT family, key_a, key_b, unit, org_code, region, org_type, block, block_passes, vals
FROM incoming_release_units
