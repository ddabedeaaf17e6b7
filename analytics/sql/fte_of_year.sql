-- FTE counted now in one school year ($school_year), of all job classes (the benchmarks' warehouse sizes).
SELECT sum(fte) FROM current_staffing WHERE school_year = $school_year
