-- How many uploads from the bundled sample data still count.
SELECT count(*) AS uploads FROM live_uploads WHERE is_sample
