-- Claim the warehouse's first load: the one server (or command) whose claim commits loads it.
INSERT INTO warehouse_meta VALUES ('first_load', 1)
