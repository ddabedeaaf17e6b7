-- How many rows the privacy cut starts from: current staffing and enrollment rows (analytics/kept.py keeps
-- the cut only where they are many).
SELECT (SELECT count(*) FROM current_staffing) + (SELECT count(*) FROM current_enrollment) AS found
