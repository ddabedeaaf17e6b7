-- Every organization's code and type, in code order (the benchmarks' generated warehouses).
SELECT org_code, org_type FROM organizations ORDER BY org_code
