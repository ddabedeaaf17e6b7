-- Put the warehouse ({{catalog}}) in use, so that every query after it finds the warehouse's tables.
USE {{catalog}}
