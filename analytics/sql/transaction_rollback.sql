-- End a writing transaction, undoing what it wrote.
ROLLBACK
