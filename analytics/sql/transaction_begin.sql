-- Start a writing transaction (analytics/writes.py): all of it or none of it.
BEGIN TRANSACTION
