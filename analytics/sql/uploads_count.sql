-- How many uploads were ever saved, live or not (0: nothing has been loaded yet).
SELECT count(*) AS uploads FROM uploads
