-- Sign-in and roles (analytics/access.py decides who may do what; these tables hold the facts it reads).
--
-- 1. Uploads can wait for review. A district's upload is 'pending' (it counts nowhere) until a DESE reviewer
--    approves it ('active', then 'superseded' like any other) or rejects it ('rejected', with a note the
--    district sees); the district may withdraw it while it waits ('withdrawn'). Only 'active' and
--    'superseded' uploads are live. DuckDB cannot widen a CHECK constraint in place, so the log is copied
--    into a new table with the wider one and the columns review needs:
--      org_codes        the organizations the file holds rows for (what a district uploader's rights are
--                       checked against, and which district's uploads a district sees as its own);
--      district_upload  made under a district uploader's role (so the district may roll it back);
--      review_note, reviewed_by, reviewed_at   the reviewer's decision.
-- 2. roles: who holds which role; a district uploader's organization codes. An identity is the signed-in
--    person's email (or the provider's subject), lower-cased.
-- 3. audit_log: every sign-in, upload, review, withdrawal, rollback, restore and role change: who (and in
--    which role), when, what. It takes over upload_events (copied in, then dropped).

CREATE TABLE uploads_reviewed (
    upload_id        INTEGER PRIMARY KEY,
    kind             VARCHAR NOT NULL CHECK (kind IN ('organizations', 'staffing', 'enrollment', 'fellows',
                                                      'participation', 'equity_leaders')),
    file_name        VARCHAR NOT NULL,
    sha256           VARCHAR NOT NULL,
    row_count        INTEGER NOT NULL,
    uploaded_by      VARCHAR NOT NULL,
    uploaded_at      TIMESTAMP NOT NULL,
    status           VARCHAR NOT NULL CHECK (status IN ('pending', 'active', 'superseded', 'rolled back',
                                                        'rejected', 'withdrawn')),
    is_sample        BOOLEAN NOT NULL DEFAULT false,
    description      VARCHAR,
    covers_state     BOOLEAN DEFAULT false,
    org_codes        VARCHAR[] NOT NULL DEFAULT [],
    district_upload  BOOLEAN NOT NULL DEFAULT false,
    review_note      VARCHAR,
    reviewed_by      VARCHAR,
    reviewed_at      TIMESTAMP
);

INSERT INTO uploads_reviewed (
    upload_id, kind, file_name, sha256, row_count, uploaded_by, uploaded_at, status, is_sample, description,
    covers_state
)
SELECT upload_id, kind, file_name, sha256, row_count, uploaded_by, uploaded_at, status, is_sample,
       description, covers_state
FROM uploads;

DROP VIEW live_uploads;
DROP TABLE uploads;
ALTER TABLE uploads_reviewed RENAME TO uploads;

CREATE VIEW live_uploads AS
SELECT upload_id, kind, is_sample FROM uploads WHERE status IN ('active', 'superseded');

CREATE TABLE roles (
    identity    VARCHAR PRIMARY KEY CHECK (identity = lower(trim(identity)) AND identity <> ''),
    role        VARCHAR NOT NULL CHECK (role IN ('viewer', 'uploader', 'reviewer', 'administrator')),
    org_codes   VARCHAR[] NOT NULL DEFAULT [],
    granted_by  VARCHAR NOT NULL,
    granted_at  TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    event_id     BIGINT PRIMARY KEY,
    happened_at  TIMESTAMP NOT NULL,
    who          VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    action       VARCHAR NOT NULL CHECK (action IN ('signed in', 'saved', 'submitted', 'approved', 'rejected',
                                                    'withdrawn', 'rolled back', 'restored', 'granted role',
                                                    'removed role', 'refused')),
    upload_id    INTEGER,
    detail       VARCHAR NOT NULL DEFAULT ''
);

INSERT INTO audit_log
SELECT row_number() OVER (ORDER BY happened_at, upload_id), happened_at, who, 'operator', action, upload_id, ''
FROM upload_events;

DROP TABLE upload_events;
