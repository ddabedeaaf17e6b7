-- The audit log, newest first; each filter is NULL for "any": $who (a LIKE pattern, lower case), $actions
-- (a list), $since and $until (timestamps).
WITH final AS (
    SELECT happened_at, who, subject, issuer, role, action, upload_id, detail, event_id
    FROM audit_log
    WHERE ($who IS NULL OR lower(who) LIKE $who)
      AND ($actions IS NULL OR list_contains($actions, action))
      AND ($since IS NULL OR happened_at >= $since)
      AND ($until IS NULL OR happened_at <= $until)
)
SELECT happened_at, who, subject, issuer, role, action, upload_id, detail FROM final ORDER BY event_id DESC
