-- The latest release's units are replaced whole by the next release's (inside its writing transaction).
DELETE FROM released_units
