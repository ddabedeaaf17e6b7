-- Releases: the figures people outside DESE see (analytics/releases.py decides what each release holds; the
-- privacy rule over time is analytics/privacy.py's `reconcile`).
--
-- A DESE reviewer releases the current figures; viewers (the public, districts) see the latest release,
-- DESE staff the current figures. A release is checked against every earlier one: what someone saw before
-- and sees now may differ only by changes that pass the rule, so a change too small to show on its own is
-- held back (or, for breakdowns, hidden) until more changes together pass.
--
-- releases          one row per release: when, by whom, from which data version, how many changes held.
-- released_units    the latest release: per family of figures (people of color by population and year,
--                   race make-up, Fellows, the AMSEL network's measures), key, and unit (an organization, or
--                   a cohort of one), its figures (`vals`, in the family's order, analytics/releases.py),
--                   its region and type as cut, and the block it was released in.
-- release_history   each unit's figures from the release they changed in on (zeros when it left): what
--                   every earlier release showed, for the checks of the next one.
-- release_held      what each release held back or hid, and why (the change that could not be shown).

CREATE TABLE releases (
    release_id    INTEGER NOT NULL,
    released_at   TIMESTAMP NOT NULL,
    released_by   VARCHAR NOT NULL,
    data_version  BIGINT NOT NULL,
    held          INTEGER NOT NULL,
    summary       VARCHAR NOT NULL
);

CREATE TABLE released_units (
    family        VARCHAR NOT NULL,
    key_a         VARCHAR NOT NULL,
    key_b         VARCHAR NOT NULL,
    unit          VARCHAR NOT NULL,
    org_code      VARCHAR NOT NULL,
    region        VARCHAR NOT NULL,
    org_type      VARCHAR NOT NULL,
    block         BIGINT NOT NULL,
    block_passes  BOOLEAN NOT NULL,
    vals          DOUBLE[] NOT NULL
);

CREATE TABLE release_history (
    release_id    INTEGER NOT NULL,
    family        VARCHAR NOT NULL,
    key_a         VARCHAR NOT NULL,
    key_b         VARCHAR NOT NULL,
    unit          VARCHAR NOT NULL,
    org_code      VARCHAR NOT NULL,
    vals          DOUBLE[] NOT NULL
);

CREATE TABLE release_held (
    release_id     INTEGER NOT NULL,
    family         VARCHAR NOT NULL,
    key_a          VARCHAR NOT NULL,
    key_b          VARCHAR NOT NULL,
    organizations  VARCHAR[] NOT NULL,
    change         DOUBLE[],
    outcome        VARCHAR NOT NULL
);

INSERT INTO warehouse_meta VALUES ('release_id', 0);
