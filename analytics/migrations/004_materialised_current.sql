-- What counts now, kept as tables instead of computed on every query.
--
-- 002's views found the newest live upload per key with a GROUP BY over every fact row and a join back,
-- on every query: at national scale (7 million staffing rows) each chart paid a second or so for it.
-- These tables hold exactly what those views returned. analytics/store.py refreshes them in the same
-- transaction as every save, rollback and restore, for the keys the upload covers only (the newest live
-- upload per key wins; rolling it back brings the older rows back), so a failed write leaves them as
-- they were. Queries read them under the same names as before. Staffing is kept in job-class order
-- (every staffing query picks job classes), so DuckDB's per-row-group min/max skip most of it.

CREATE TABLE current_staffing_new AS
SELECT * FROM current_staffing ORDER BY job_class, school_year, org_code, race;
DROP VIEW current_staffing;
ALTER TABLE current_staffing_new RENAME TO current_staffing;

CREATE TABLE current_enrollment_new AS
SELECT * FROM current_enrollment ORDER BY school_year, org_code, race;
DROP VIEW current_enrollment;
ALTER TABLE current_enrollment_new RENAME TO current_enrollment;

CREATE TABLE current_fellows_new AS
SELECT * FROM current_fellows ORDER BY cohort, fellow_id;
DROP VIEW current_fellows;
ALTER TABLE current_fellows_new RENAME TO current_fellows;

CREATE TABLE current_participation_new AS
SELECT * FROM current_participation ORDER BY school_year, org_code;
DROP VIEW current_participation;
ALTER TABLE current_participation_new RENAME TO current_participation;

CREATE TABLE current_equity_leaders_new AS
SELECT * FROM current_equity_leaders ORDER BY school_year, org_code;
DROP VIEW current_equity_leaders;
ALTER TABLE current_equity_leaders_new RENAME TO current_equity_leaders;
