-- 005_statewide_uploads.sql as the shared warehouse (DuckLake) runs it: DuckLake adds a column with a
-- default only when the default is a literal, so false is written as the string 'false' (read as false).
ALTER TABLE uploads ADD COLUMN covers_state BOOLEAN DEFAULT 'false';
UPDATE uploads SET covers_state = is_sample WHERE kind IN ('staffing', 'enrollment');
