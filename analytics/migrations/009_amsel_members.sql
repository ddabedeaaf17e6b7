-- The AMSEL network's membership list (analytics/contracts.py: AMSEL_MEMBERS). Its coordinators keep one row
-- per member; ingest counts with the names and drops them, so what is kept is counts per school year and
-- organization: members, those through their district's membership, those new to their role and of them
-- those with a mentor, those at every monthly meeting, those in at least one subcommittee. A member at a
-- school that is not one of DESE's organizations (an independent school) is kept under the school's name
-- (outside_school) with no organization code: exactly one of the two is set.
CREATE TABLE amsel_members (
    upload_id         INTEGER NOT NULL,
    school_year       VARCHAR NOT NULL,
    org_code          VARCHAR,
    outside_school    VARCHAR,
    members           INTEGER NOT NULL CHECK (members >= 1),
    district_members  INTEGER NOT NULL CHECK (district_members BETWEEN 0 AND members),
    new_to_role       INTEGER NOT NULL CHECK (new_to_role BETWEEN 0 AND members),
    new_with_mentor   INTEGER NOT NULL CHECK (new_with_mentor BETWEEN 0 AND new_to_role),
    every_meeting     INTEGER NOT NULL CHECK (every_meeting BETWEEN 0 AND members),
    in_subcommittee   INTEGER NOT NULL CHECK (in_subcommittee BETWEEN 0 AND members),
    CHECK ((org_code IS NULL) <> (outside_school IS NULL))
);

-- What counts now (kept by analytics/store.py as for every kind: the newest live list of a year wins).
CREATE TABLE current_amsel_members (
    upload_id         INTEGER NOT NULL,
    school_year       VARCHAR NOT NULL,
    org_code          VARCHAR,
    outside_school    VARCHAR,
    members           INTEGER NOT NULL,
    district_members  INTEGER NOT NULL,
    new_to_role       INTEGER NOT NULL,
    new_with_mentor   INTEGER NOT NULL,
    every_meeting     INTEGER NOT NULL,
    in_subcommittee   INTEGER NOT NULL
);

-- The uploads log names the table each upload filled; DuckDB cannot widen a CHECK constraint in place, so
-- the log is copied into a new table whose check names the new kind too (as migration 007 did).
CREATE TABLE uploads_widened (
    upload_id        INTEGER PRIMARY KEY,
    kind             VARCHAR NOT NULL CHECK (kind IN ('organizations', 'staffing', 'enrollment', 'fellows',
                                                      'participation', 'equity_leaders', 'amsel_members')),
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

INSERT INTO uploads_widened
SELECT upload_id, kind, file_name, sha256, row_count, uploaded_by, uploaded_at, status, is_sample, description,
       covers_state, org_codes, district_upload, review_note, reviewed_by, reviewed_at
FROM uploads;

DROP VIEW live_uploads;
DROP TABLE uploads;
ALTER TABLE uploads_widened RENAME TO uploads;

CREATE VIEW live_uploads AS
SELECT upload_id, kind, is_sample FROM uploads WHERE status IN ('active', 'superseded');
