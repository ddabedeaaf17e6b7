-- End a writing transaction, keeping what it wrote.
COMMIT
