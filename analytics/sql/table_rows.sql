-- How many rows a table ({{table}}) holds (the benchmarks' warehouse sizes).
SELECT count(*) FROM {{table}}
