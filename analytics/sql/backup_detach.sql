-- Detach the backup ({{backup}}) once written, or after a failure to write it.
DETACH {{backup}}
