-- Sign-ins that end, and an audit log that tells identities apart (analytics/access.py decides; these tables
-- hold what it reads).
--
-- 1. sign_ins: each sign-in the dashboard has seen, one row per ID token (its issuer, subject and the time
--    it was issued, `iat`), so the audit log says "signed in" (or "refused") once per sign-in, however many
--    browser sessions carry the same cookie, on every server of a shared warehouse.
-- 2. sign_outs: when each identity signed out. A sign-in issued before its identity's latest sign-out is
--    over, in every browser and on every server (Streamlit's cookie would otherwise last 30 days).
--    Times in both are UTC, as the token's are.
-- 3. audit_log gains the provider's subject and issuer beside the name (an email can be spelled alike by
--    two different sign-ins; the subject cannot), and a "signed out" action. DuckDB cannot widen a CHECK
--    constraint in place, so the log is copied into a new table (as migration 007 did for uploads).

CREATE TABLE sign_ins (
    identity   VARCHAR NOT NULL,
    issuer     VARCHAR NOT NULL,
    subject    VARCHAR NOT NULL,
    issued_at  TIMESTAMP NOT NULL,
    seen_at    TIMESTAMP NOT NULL
);

CREATE TABLE sign_outs (
    identity       VARCHAR NOT NULL,
    signed_out_at  TIMESTAMP NOT NULL
);

CREATE TABLE audit_log_with_subjects (
    event_id     BIGINT PRIMARY KEY,
    happened_at  TIMESTAMP NOT NULL,
    who          VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    action       VARCHAR NOT NULL CHECK (action IN ('signed in', 'signed out', 'saved', 'submitted',
                                                    'approved', 'rejected', 'withdrawn', 'rolled back',
                                                    'restored', 'granted role', 'removed role', 'refused',
                                                    'released')),
    upload_id    INTEGER,
    detail       VARCHAR NOT NULL DEFAULT '',
    subject      VARCHAR,
    issuer       VARCHAR
);

INSERT INTO audit_log_with_subjects (event_id, happened_at, who, role, action, upload_id, detail)
SELECT event_id, happened_at, who, role, action, upload_id, detail FROM audit_log;

DROP TABLE audit_log;
ALTER TABLE audit_log_with_subjects RENAME TO audit_log;
