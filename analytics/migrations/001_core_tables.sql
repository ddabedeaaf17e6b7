-- The warehouse's own tables: the uploads log and the facts, in long form, each row tied to its upload.
-- Facts are never updated in place: a newer upload of the same key wins in the current_* views, and a
-- rolled-back upload's rows stop counting (see 002_current_views.sql).

CREATE SEQUENCE upload_id_seq START 1;

CREATE TABLE uploads (
    upload_id    INTEGER PRIMARY KEY,
    kind         VARCHAR NOT NULL CHECK (kind IN ('organizations', 'staffing', 'enrollment', 'fellows',
                                                  'participation', 'equity_leaders')),
    file_name    VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    row_count    INTEGER NOT NULL,          -- fact rows written
    uploaded_by  VARCHAR NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('active', 'superseded', 'rolled back')),
    is_sample    BOOLEAN NOT NULL DEFAULT false,
    description  VARCHAR                    -- what the reader recognised in the file
);

-- Every change of an upload's standing, so the history says who rolled what back, and when.
CREATE TABLE upload_events (
    upload_id  INTEGER NOT NULL,
    action     VARCHAR NOT NULL CHECK (action IN ('saved', 'rolled back', 'restored')),
    who        VARCHAR NOT NULL,
    happened_at TIMESTAMP NOT NULL
);

CREATE TABLE organizations (
    org_code   VARCHAR PRIMARY KEY CHECK (regexp_full_match(org_code, '[0-9]{8}')),
    name       VARCHAR NOT NULL,
    org_type   VARCHAR NOT NULL CHECK (org_type IN ('district', 'charter', 'vocational', 'collaborative')),
    region     VARCHAR NOT NULL,
    upload_id  INTEGER NOT NULL
);

CREATE TABLE staffing (
    upload_id    INTEGER NOT NULL,
    school_year  VARCHAR NOT NULL,
    org_code     VARCHAR NOT NULL,
    job_class    VARCHAR NOT NULL,
    race         VARCHAR NOT NULL,
    fte          DOUBLE NOT NULL CHECK (fte >= 0)
);

CREATE TABLE enrollment (
    upload_id    INTEGER NOT NULL,
    school_year  VARCHAR NOT NULL,
    org_code     VARCHAR NOT NULL,
    race         VARCHAR NOT NULL,
    students     INTEGER NOT NULL CHECK (students >= 0)
);

-- One row per fellow. No names: fellow_id is DESE's own pseudonymous program id.
CREATE TABLE fellows (
    upload_id           INTEGER NOT NULL,
    fellow_id           VARCHAR NOT NULL,
    cohort              INTEGER NOT NULL CHECK (cohort >= 1),
    start_year          VARCHAR NOT NULL,
    home_org_code       VARCHAR NOT NULL,
    entry_role          VARCHAR NOT NULL,
    race                VARCHAR NOT NULL,
    status              VARCHAR NOT NULL CHECK (status IN ('active', 'completed', 'withdrawn')),
    placement_role      VARCHAR,
    placement_year      VARCHAR,
    placement_org_code  VARCHAR
);

CREATE TABLE participation (
    upload_id                INTEGER NOT NULL,
    org_code                 VARCHAR NOT NULL,
    school_year              VARCHAR NOT NULL,
    component                VARCHAR NOT NULL CHECK (component IN ('fellowship', 'capacity building')),
    strategy_adopted         BOOLEAN NOT NULL,
    climate_assessment_done  BOOLEAN NOT NULL
);

CREATE TABLE equity_leaders (
    upload_id          INTEGER NOT NULL,
    org_code           VARCHAR NOT NULL,
    school_year        VARCHAR NOT NULL,
    has_equity_leader  BOOLEAN NOT NULL,
    amsel_member       BOOLEAN NOT NULL
);

-- Bumped by every write, so the app's caches know when to recompute.
CREATE TABLE warehouse_meta (
    key    VARCHAR PRIMARY KEY,
    value  BIGINT NOT NULL
);
INSERT INTO warehouse_meta VALUES ('data_version', 0);
