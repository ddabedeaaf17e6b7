-- Everyone the roles table knows, most powerful first, then by identity.
WITH final AS (
    SELECT identity, role, org_codes, granted_by, granted_at FROM roles
)
SELECT * FROM final
ORDER BY list_position(['administrator', 'reviewer', 'uploader', 'viewer'], role), identity
