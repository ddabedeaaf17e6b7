-- A CSV file ($file, Windows-1252: its bytes read as Latin-1) into a new table: the benchmarks' DuckDB
-- baseline for an import.
CREATE TABLE roster AS SELECT * FROM read_csv($file, encoding = 'latin-1')
