-- How students experience school (the program's third goal), from DESE's own reports by student group
-- (analytics/contracts.py: STUDENT_DISCIPLINE, STUDENT_ATTENDANCE, GRADUATION, CLIMATE_SURVEY):
--
-- student_discipline  the Student Discipline Data Report: students, students disciplined, and the share of
--                     students with each kind of removal (in- and out-of-school suspension, expulsion,
--                     alternate setting, emergency removal; from 2020-21 school-based arrest and non-arrest
--                     law enforcement referral);
-- student_attendance  the attendance rate, average absences, and the shares absent 10 or more days,
--                     chronically absent (10% and 20% or more of their days) and unexcused over 9 days (the
--                     End of Year table of the reports that hold a March one too);
-- graduation          the four-year cohort (school_year is the year it graduates: 2023-24 for the class of
--                     2024): its size and the shares graduated, still in school, non-graduate completers,
--                     with a high school equivalency, dropped out and permanently excluded;
-- climate_survey      the VOCAL survey's index scores (1-99: overall, engagement, safety, environment), by
--                     grade where DESE gives it ('All' where it does not), and the respondents where given.
--
-- One row per school year, organization and student group (and grade): the student group as DESE names it
-- today (analytics/definitions.py: STUDENT_GROUPS; older spellings are read to these names), or a group it
-- added as written. Rates are fractions 0-1. Every figure may be NULL: DESE does not publish a rate where
-- fewer than 6 students were counted (VOCAL: fewer than 10 answered), and NULL means "not published", never
-- 0. A newer upload of an organization, year and group (and grade) replaces the older one; the current_
-- tables hold what counts now (kept by analytics/store.py, as for every kind).

CREATE TABLE student_discipline (
    upload_id                     INTEGER NOT NULL,
    school_year                   VARCHAR NOT NULL,
    org_code                      VARCHAR NOT NULL,
    student_group                 VARCHAR NOT NULL,
    students                      INTEGER CHECK (students >= 0),
    students_disciplined          INTEGER CHECK (students_disciplined >= 0),
    pct_in_school_suspension      DOUBLE CHECK (pct_in_school_suspension BETWEEN 0 AND 1),
    pct_out_of_school_suspension  DOUBLE CHECK (pct_out_of_school_suspension BETWEEN 0 AND 1),
    pct_expulsion                 DOUBLE CHECK (pct_expulsion BETWEEN 0 AND 1),
    pct_alternate_setting         DOUBLE CHECK (pct_alternate_setting BETWEEN 0 AND 1),
    pct_emergency_removal         DOUBLE CHECK (pct_emergency_removal BETWEEN 0 AND 1),
    pct_school_based_arrest       DOUBLE CHECK (pct_school_based_arrest BETWEEN 0 AND 1),
    pct_law_enforcement_referral  DOUBLE CHECK (pct_law_enforcement_referral BETWEEN 0 AND 1)
);

CREATE TABLE current_student_discipline (
    upload_id                     INTEGER NOT NULL,
    school_year                   VARCHAR NOT NULL,
    org_code                      VARCHAR NOT NULL,
    student_group                 VARCHAR NOT NULL,
    students                      INTEGER,
    students_disciplined          INTEGER,
    pct_in_school_suspension      DOUBLE,
    pct_out_of_school_suspension  DOUBLE,
    pct_expulsion                 DOUBLE,
    pct_alternate_setting         DOUBLE,
    pct_emergency_removal         DOUBLE,
    pct_school_based_arrest       DOUBLE,
    pct_law_enforcement_referral  DOUBLE
);

CREATE TABLE student_attendance (
    upload_id                  INTEGER NOT NULL,
    school_year                VARCHAR NOT NULL,
    org_code                   VARCHAR NOT NULL,
    student_group              VARCHAR NOT NULL,
    attendance_rate            DOUBLE CHECK (attendance_rate BETWEEN 0 AND 1),
    average_absences           DOUBLE CHECK (average_absences >= 0),
    pct_absent_10_days         DOUBLE CHECK (pct_absent_10_days BETWEEN 0 AND 1),
    pct_chronically_absent     DOUBLE CHECK (pct_chronically_absent BETWEEN 0 AND 1),
    pct_chronically_absent_20  DOUBLE CHECK (pct_chronically_absent_20 BETWEEN 0 AND 1),
    pct_unexcused_over_9_days  DOUBLE CHECK (pct_unexcused_over_9_days BETWEEN 0 AND 1)
);

CREATE TABLE current_student_attendance (
    upload_id                  INTEGER NOT NULL,
    school_year                VARCHAR NOT NULL,
    org_code                   VARCHAR NOT NULL,
    student_group              VARCHAR NOT NULL,
    attendance_rate            DOUBLE,
    average_absences           DOUBLE,
    pct_absent_10_days         DOUBLE,
    pct_chronically_absent     DOUBLE,
    pct_chronically_absent_20  DOUBLE,
    pct_unexcused_over_9_days  DOUBLE
);

CREATE TABLE graduation (
    upload_id                 INTEGER NOT NULL,
    school_year               VARCHAR NOT NULL,
    org_code                  VARCHAR NOT NULL,
    student_group             VARCHAR NOT NULL,
    cohort_count              INTEGER CHECK (cohort_count >= 0),
    pct_graduated             DOUBLE CHECK (pct_graduated BETWEEN 0 AND 1),
    pct_still_in_school       DOUBLE CHECK (pct_still_in_school BETWEEN 0 AND 1),
    pct_non_grad_completers   DOUBLE CHECK (pct_non_grad_completers BETWEEN 0 AND 1),
    pct_hs_equivalency        DOUBLE CHECK (pct_hs_equivalency BETWEEN 0 AND 1),
    pct_dropped_out           DOUBLE CHECK (pct_dropped_out BETWEEN 0 AND 1),
    pct_permanently_excluded  DOUBLE CHECK (pct_permanently_excluded BETWEEN 0 AND 1)
);

CREATE TABLE current_graduation (
    upload_id                 INTEGER NOT NULL,
    school_year               VARCHAR NOT NULL,
    org_code                  VARCHAR NOT NULL,
    student_group             VARCHAR NOT NULL,
    cohort_count              INTEGER,
    pct_graduated             DOUBLE,
    pct_still_in_school       DOUBLE,
    pct_non_grad_completers   DOUBLE,
    pct_hs_equivalency        DOUBLE,
    pct_dropped_out           DOUBLE,
    pct_permanently_excluded  DOUBLE
);

CREATE TABLE climate_survey (
    upload_id          INTEGER NOT NULL,
    school_year        VARCHAR NOT NULL,
    org_code           VARCHAR NOT NULL,
    student_group      VARCHAR NOT NULL,
    grade              VARCHAR NOT NULL,
    index_overall      DOUBLE CHECK (index_overall BETWEEN 1 AND 99),
    index_engagement   DOUBLE CHECK (index_engagement BETWEEN 1 AND 99),
    index_safety       DOUBLE CHECK (index_safety BETWEEN 1 AND 99),
    index_environment  DOUBLE CHECK (index_environment BETWEEN 1 AND 99),
    respondents        INTEGER CHECK (respondents >= 0)
);

CREATE TABLE current_climate_survey (
    upload_id          INTEGER NOT NULL,
    school_year        VARCHAR NOT NULL,
    org_code           VARCHAR NOT NULL,
    student_group      VARCHAR NOT NULL,
    grade              VARCHAR NOT NULL,
    index_overall      DOUBLE,
    index_engagement   DOUBLE,
    index_safety       DOUBLE,
    index_environment  DOUBLE,
    respondents        INTEGER
);

-- The uploads log names the table each upload filled. 007 and 009 copied the log to widen a CHECK listing
-- those tables; the list of kinds is the contracts' (analytics/contracts.py), which ingest and the store
-- write by, so the log is copied once more without that check: the next kind needs no copy. Every other
-- column, constraint and row is kept as it was.
CREATE TABLE uploads_any_kind (
    upload_id        INTEGER PRIMARY KEY,
    kind             VARCHAR NOT NULL,
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

INSERT INTO uploads_any_kind
SELECT upload_id, kind, file_name, sha256, row_count, uploaded_by, uploaded_at, status, is_sample, description,
       covers_state, org_codes, district_upload, review_note, reviewed_by, reviewed_at
FROM uploads;

DROP VIEW live_uploads;
DROP TABLE uploads;
ALTER TABLE uploads_any_kind RENAME TO uploads;

CREATE VIEW live_uploads AS
SELECT upload_id, kind, is_sample FROM uploads WHERE status IN ('active', 'superseded');
