-- How many organizations the warehouse knows.
SELECT count(*) AS organizations FROM organizations
