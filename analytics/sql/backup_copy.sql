-- Copy the whole warehouse ({{catalog}}: tables, views, macros, sequences) into the backup attached as {{backup}}.
COPY FROM DATABASE {{catalog}} TO {{backup}}
