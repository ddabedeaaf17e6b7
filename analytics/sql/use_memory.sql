-- Put DuckDB's own in-memory database in use (the database in use cannot be detached).
USE memory
