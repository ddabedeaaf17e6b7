-- Which uploads are statewide files: their organizations are the list a school year's coverage is
-- measured against (see analytics/coverage.py). A district's file is not; the bundled sample data and a
-- DESE open-data extract (it carries the State row) are.
ALTER TABLE uploads ADD COLUMN covers_state BOOLEAN DEFAULT false;
UPDATE uploads SET covers_state = is_sample WHERE kind IN ('staffing', 'enrollment');
