-- FTE counted now in one school year ($school_year) and job class ($job_class) (the benchmarks' warehouse sizes).
SELECT sum(fte) FROM current_staffing WHERE job_class = $job_class AND school_year = $school_year
