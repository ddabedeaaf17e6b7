"""Who may do what, decided in analytics/ (never by a page): every write path refuses an actor without the
right and changes nothing; district uploads wait for review; the audit log records who did what."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from builders import TESTS, add, new_warehouse, staffing, table_contents

from analytics import access, store
from analytics.access import ADMINISTRATOR, REVIEWER, UPLOADER, VIEWER, Actor, NotAllowed
from analytics.contracts import FACT_KINDS
from analytics.ingest import check_upload, save_checked
from analytics.ingest import problems as pr
from analytics.settings import Settings

BOSTON, LAWRENCE = "00350000", "01490000"
VIEWER_ACTOR = Actor("viewer@example.org", VIEWER)
LAWRENCE_CLERK = Actor("clerk@lawrence.example", UPLOADER, frozenset({LAWRENCE}))
BOSTON_CLERK = Actor("clerk@boston.example", UPLOADER, frozenset({BOSTON}))
REVIEWER_ACTOR = Actor("reviewer@doe.mass.edu", REVIEWER)
ADMIN = Actor("admin@doe.mass.edu", ADMINISTRATOR)
ANONYMOUS = access.anonymous()


def superintendents(con) -> dict[str, float]:
    """Superintendent FTE counting now, by organization."""
    rows = con.execute(
        "SELECT org_code, sum(fte) FROM current_staffing WHERE job_class = 'Superintendent' GROUP BY 1"
    ).fetchall()
    return dict(rows)


def lawrence_rows(year="2024-25"):
    return staffing(year, LAWRENCE, "Superintendent", Black=1)


def statuses(con) -> dict[int, str]:
    return dict(con.execute("SELECT upload_id, status FROM uploads").fetchall())


def audit(con) -> list[tuple]:
    return con.execute(
        "SELECT who, role, action, upload_id, detail FROM audit_log ORDER BY event_id"
    ).fetchall()


# --- saving ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [ANONYMOUS, VIEWER_ACTOR, Actor("no-orgs@x", UPLOADER)], ids=str)
def test_those_who_may_not_upload_are_refused_and_nothing_changes(actor):
    con = new_warehouse()
    before = table_contents(con)
    with pytest.raises(NotAllowed, match="may not upload"):
        add(con, "staffing", lawrence_rows(), actor=actor)
    assert table_contents(con) == before


def test_a_district_may_not_save_another_organizations_rows():
    con = new_warehouse()
    before = table_contents(con)
    with pytest.raises(
        NotAllowed, match="1 organization your sign-in may not upload for \\(first: 00350000\\)"
    ):
        add(
            con,
            "staffing",
            lawrence_rows() + staffing("2024-25", BOSTON, "Superintendent", White=1),
            actor=LAWRENCE_CLERK,
        )
    assert table_contents(con) == before


@pytest.mark.parametrize("kind", ["fellows"])
def test_a_district_may_not_upload_dese_kinds(kind):
    con = new_warehouse()
    row = ("F-1", 1, "2019-20", LAWRENCE, "Principal", "Asian", "active", None, None, None)
    with pytest.raises(NotAllowed, match="uploaded by DESE"):
        add(con, kind, [row], actor=LAWRENCE_CLERK)


def test_a_district_may_not_upload_a_statewide_file():
    con = new_warehouse()
    with pytest.raises(NotAllowed, match="Statewide files are uploaded by DESE"):
        add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK, covers_state=True)


def test_a_district_upload_waits_for_review_and_counts_nowhere_until_approved():
    con = new_warehouse()
    saved = add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK)
    assert saved.pending
    assert statuses(con)[saved.upload_id] == "pending"
    assert superintendents(con) == {}
    assert store.review_upload(con, saved.upload_id, approve=True, actor=REVIEWER_ACTOR) == "active"
    assert superintendents(con) == {LAWRENCE: 1.0}
    actions = [(who, action) for who, _, action, upload, _ in audit(con) if upload == saved.upload_id]
    assert actions == [("clerk@lawrence.example", "submitted"), ("reviewer@doe.mass.edu", "approved")]


def test_with_review_off_a_district_upload_counts_at_once(monkeypatch):
    monkeypatch.setattr(access, "load_settings", lambda: Settings(review_district_uploads=False))
    con = new_warehouse()
    saved = add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK)
    assert not saved.pending and statuses(con)[saved.upload_id] == "active"
    assert superintendents(con) == {LAWRENCE: 1.0}


def test_a_rejection_needs_a_note_which_the_district_sees():
    con = new_warehouse()
    saved = add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK)
    with pytest.raises(ValueError, match="Say why"):
        store.review_upload(con, saved.upload_id, approve=False, note="  ", actor=REVIEWER_ACTOR)
    store.review_upload(con, saved.upload_id, approve=False, note="Wrong year\x1b[31m", actor=REVIEWER_ACTOR)
    mine = store.upload_history(con, actor=LAWRENCE_CLERK)
    assert (mine.status[0], mine.review_note[0]) == ("rejected", "Wrong year[31m")
    assert superintendents(con) == {}
    with pytest.raises(ValueError, match="not waiting for review"):
        store.review_upload(con, saved.upload_id, approve=True, actor=REVIEWER_ACTOR)


@pytest.mark.parametrize("actor", [LAWRENCE_CLERK, BOSTON_CLERK, VIEWER_ACTOR, ANONYMOUS], ids=str)
def test_only_dese_reviews(actor):
    con = new_warehouse()
    saved = add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK)
    before = table_contents(con)
    for approve in (True, False):
        with pytest.raises(NotAllowed, match="Only DESE reviewers"):
            store.review_upload(con, saved.upload_id, approve=approve, note="ok", actor=actor)
    assert table_contents(con) == before


def test_a_district_withdraws_its_own_pending_upload_only():
    con = new_warehouse()
    saved = add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK)
    for other in (BOSTON_CLERK, VIEWER_ACTOR, REVIEWER_ACTOR):
        with pytest.raises(NotAllowed):
            store.withdraw_upload(con, saved.upload_id, actor=other)
    colleague = Actor("second-clerk@lawrence.example", UPLOADER, frozenset({LAWRENCE}))
    assert store.withdraw_upload(con, saved.upload_id, actor=colleague) == "withdrawn"
    with pytest.raises(ValueError, match="not waiting for review"):
        store.review_upload(con, saved.upload_id, approve=True, actor=REVIEWER_ACTOR)
    assert superintendents(con) == {}


# --- rollback and restore --------------------------------------------------------------------------------


def test_a_district_rolls_back_its_own_uploads_and_never_deses():
    con = new_warehouse()
    statewide = add(
        con, "staffing", lawrence_rows("2023-24") + staffing("2023-24", BOSTON, "Superintendent", Black=2)
    )
    own = add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK)
    store.review_upload(con, own.upload_id, approve=True, actor=REVIEWER_ACTOR)
    before = table_contents(con)
    # DESE's statewide file (it includes Lawrence's own row): not the district's to roll back.
    for actor in (LAWRENCE_CLERK, BOSTON_CLERK, VIEWER_ACTOR, ANONYMOUS):
        with pytest.raises(NotAllowed):
            store.rollback_upload(con, statewide.upload_id, actor=actor)
    with pytest.raises(NotAllowed):
        store.rollback_upload(con, own.upload_id, actor=BOSTON_CLERK)
    assert table_contents(con) == before
    assert store.rollback_upload(con, own.upload_id, actor=LAWRENCE_CLERK) == "rolled back"
    # Restoring is DESE's.
    with pytest.raises(NotAllowed, match="Only DESE reviewers can restore"):
        store.restore_upload(con, own.upload_id, actor=LAWRENCE_CLERK)
    assert store.restore_upload(con, own.upload_id, actor=REVIEWER_ACTOR) == "active"


def test_a_pending_upload_cannot_be_rolled_back_or_restored():
    con = new_warehouse()
    saved = add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK)
    with pytest.raises(ValueError, match="never counted"):
        store.rollback_upload(con, saved.upload_id, actor=REVIEWER_ACTOR)
    with pytest.raises(ValueError, match="never counted"):
        store.restore_upload(con, saved.upload_id, actor=REVIEWER_ACTOR)


def test_approving_an_older_submission_does_not_undo_a_newer_statewide_file():
    """Newest upload wins, by when it was submitted: a district's file approved after DESE loaded a newer
    statewide one counts only where the newer one is silent."""
    con = new_warehouse()
    submitted = add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK)
    newer = add(con, "staffing", staffing("2024-25", LAWRENCE, "Superintendent", White=1))
    store.review_upload(con, submitted.upload_id, approve=True, actor=REVIEWER_ACTOR)
    assert statuses(con)[submitted.upload_id] == "superseded"
    assert statuses(con)[newer.upload_id] == "active"


# --- the uploads log -------------------------------------------------------------------------------------


def test_each_sees_the_uploads_their_role_allows():
    con = new_warehouse()
    dese = add(con, "staffing", lawrence_rows("2023-24"))
    own = add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK)
    boston = add(con, "staffing", staffing("2024-25", BOSTON, "Superintendent", White=1), actor=BOSTON_CLERK)
    everything = set(store.upload_history(con, actor=REVIEWER_ACTOR).upload_id)
    assert {dese.upload_id, own.upload_id, boston.upload_id} <= everything
    assert list(store.upload_history(con, actor=LAWRENCE_CLERK).upload_id) == [own.upload_id]
    assert list(store.upload_history(con, actor=BOSTON_CLERK).upload_id) == [boston.upload_id]
    for actor in (VIEWER_ACTOR, ANONYMOUS):
        with pytest.raises(NotAllowed):
            store.upload_history(con, actor=actor)


# --- checking a file names the rows a district may not upload ---------------------------------------------


def test_the_check_names_each_row_for_another_organization():
    data = (
        b"School Year,Org Code,Job Class,Race/Ethnicity,FTE\n"
        b"2024-25,01490000,Superintendent,Black,1\n"
        b"2024-25,00350000,Superintendent,White,1\n"
    )
    con = new_warehouse()
    checked = check_upload(con, "staffing", data, "mixed.csv", actor=LAWRENCE_CLERK)
    assert not checked.can_save
    (problem,) = [p for p in checked.problems if p.code == pr.NOT_YOUR_ORGANIZATION]
    assert (problem.row, problem.value) == (3, "00350000")
    assert "01490000" in problem.expected
    clean = check_upload(
        con, "staffing", data.rsplit(b"\n2024-25,0035", 1)[0] + b"\n", "own.csv", actor=LAWRENCE_CLERK
    )
    assert clean.can_save
    # The page's check and the save's guard agree; a check done without the actor is still refused at save.
    unchecked = check_upload(con, "staffing", data, "mixed.csv")
    with pytest.raises(NotAllowed):
        save_checked(con, unchecked, actor=LAWRENCE_CLERK)


def test_the_check_refuses_what_a_role_may_not_upload_at_all():
    con = new_warehouse()
    data = b"School Year,Org Code,Job Class,Race/Ethnicity,FTE\n2024-25,01490000,Superintendent,Black,1\n"
    viewer = check_upload(con, "staffing", data, "x.csv", actor=VIEWER_ACTOR)
    assert [p.code for p in viewer.errors] == [pr.NOT_ALLOWED]
    assert "signed in as a viewer" in viewer.errors[0].expected
    fellows = check_upload(con, FACT_KINDS["fellows"], b"x", "f.csv", actor=LAWRENCE_CLERK)
    assert [p.code for p in fellows.errors] == [pr.NOT_ALLOWED]


# --- roles -----------------------------------------------------------------------------------------------


def test_only_administrators_grant_and_remove_roles():
    con = new_warehouse()
    before = table_contents(con)
    for actor in (REVIEWER_ACTOR, LAWRENCE_CLERK, VIEWER_ACTOR, ANONYMOUS, access.operator("ops")):
        with pytest.raises(NotAllowed, match="Only DESE administrators"):
            access.grant_role(con, "someone@x.org", ADMINISTRATOR, actor=actor)
        with pytest.raises(NotAllowed):
            access.roles_table(con, actor=actor)
    assert table_contents(con) == before


def test_roles_are_data_and_each_change_is_audited():
    con = new_warehouse()
    said = access.grant_role(con, " Clerk@Lawrence.Example ", UPLOADER, [LAWRENCE], actor=ADMIN)
    assert said == "clerk@lawrence.example: district uploader for 01490000 (Lawrence)"
    settings = Settings()
    assert access.signed_in(con, "CLERK@lawrence.example", settings) == LAWRENCE_CLERK
    access.grant_role(con, "clerk@lawrence.example", REVIEWER, actor=ADMIN)
    assert access.signed_in(con, "clerk@lawrence.example", settings).role == REVIEWER
    access.remove_role(con, "clerk@lawrence.example", actor=ADMIN)
    assert access.signed_in(con, "clerk@lawrence.example", settings) == Actor(
        "clerk@lawrence.example", VIEWER
    )
    assert (
        access.signed_in(con, "clerk@lawrence.example", dataclasses.replace(settings, unknown_users="refuse"))
        is None
    )
    assert [a[2] for a in audit(con)][-3:] == ["granted role", "granted role", "removed role"]


@pytest.mark.parametrize(
    ("identity", "role", "codes", "message"),
    [
        ("", UPLOADER, [LAWRENCE], "sign-in email"),
        ("x@y", "owner", [], "not a role"),
        ("x@y", UPLOADER, [], "at least one organization"),
        ("x@y", REVIEWER, [LAWRENCE], "Organization codes are for district uploaders"),
        ("x@y", UPLOADER, ["99999999"], "No organization has the code 99999999"),
    ],
)
def test_a_grant_that_makes_no_sense_is_refused(identity, role, codes, message):
    con = new_warehouse()
    with pytest.raises(ValueError, match=message):
        access.grant_role(con, identity, role, codes, actor=ADMIN)


def test_an_administrator_cannot_remove_their_own_role():
    con = new_warehouse()
    access.grant_role(con, "second@doe.mass.edu", ADMINISTRATOR, actor=ADMIN)
    second = access.signed_in(con, "second@doe.mass.edu", Settings())
    with pytest.raises(ValueError, match="your own role"):
        access.remove_role(con, "second@doe.mass.edu", actor=second)


def test_the_first_administrator_comes_from_configuration():
    con = new_warehouse()
    settings = Settings(administrators=("boss@doe.mass.edu",))
    assert access.signed_in(con, "Boss@DOE.mass.edu", settings) == Actor("boss@doe.mass.edu", ADMINISTRATOR)
    assert access.signed_in(con, "stranger@x.org", settings) == Actor("stranger@x.org", VIEWER)


# --- the audit log ---------------------------------------------------------------------------------------


def test_the_audit_log_is_dese_only_and_filters():
    con = new_warehouse()
    saved = add(con, "staffing", lawrence_rows(), actor=LAWRENCE_CLERK)
    store.review_upload(con, saved.upload_id, approve=False, note="Duplicate", actor=REVIEWER_ACTOR)
    access.record_sign_in(con, LAWRENCE_CLERK)
    for actor in (LAWRENCE_CLERK, VIEWER_ACTOR, ANONYMOUS):
        with pytest.raises(NotAllowed):
            access.audit_log(con, actor=actor)
    log = access.audit_log(con, actor=REVIEWER_ACTOR)
    assert list(log.action[:3]) == ["signed in", "rejected", "submitted"]
    lawrence = access.audit_log(con, actor=REVIEWER_ACTOR, who="LAWRENCE")
    assert set(lawrence.action) == {"signed in", "submitted"}
    rejected = access.audit_log(con, actor=ADMIN, actions=["rejected"])
    assert list(rejected.detail) == ["Duplicate"]


# --- the command line ------------------------------------------------------------------------------------


def test_the_command_line_is_a_named_reviewer(monkeypatch):
    monkeypatch.setattr(access, "_os_user", lambda: "dana")
    assert access.operator(settings=Settings()) == Actor(
        "dana (command line)", REVIEWER, channel="command line"
    )
    assert (
        access.operator(settings=Settings(operator="DESE data team")).identity
        == "DESE data team (command line)"
    )
    assert access.operator("ops\x1b[2J\nforged", Settings()).identity == "ops[2J forged (command line)"
    con = new_warehouse()
    saved = add(con, "staffing", lawrence_rows(), actor=access.operator("dana", Settings()))
    assert not saved.pending
    assert audit(con)[-1][:3] == ("dana (command line)", REVIEWER, "saved")
    assert TESTS.is_dese


# --- signing in: identities matched exactly, sign-ins that end, one line per sign-in ------------------------

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
ADMIN_EMAIL = "admin@doe.mass.edu"
ISSUER = "https://login.example.org"


def token(
    email: str | None = None, *, sub: str | None = None, age_hours: float = 1, lasts_hours: float = 2, **more
):
    """An ID token's claims, issued `age_hours` before NOW and expiring `lasts_hours` after it was issued."""
    issued = NOW - timedelta(hours=age_hours)
    claims = {
        "iss": ISSUER,
        "sub": email if sub is None else sub,
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(hours=lasts_hours)).timestamp()),
    }
    return {**claims, **({"email": email} if email is not None else {}), **more}


# The four sign-ins the test provider let become the administrator; each is refused or kept apart now.
FOLDED = {
    "email + zero-width space": token("ADMIN@doe.mass.edu\u200b", sub="mallory-1"),
    "unverified email": token(ADMIN_EMAIL, sub="mallory-2", email_verified=False),
    "space + right-to-left override": token(" admin@doe.mass.edu\u202e", sub="mallory-3"),
    "no email, subject + zero-width space": token(sub="admin@doe.mass.edu\u200b"),
}


@pytest.mark.parametrize("claims", FOLDED.values(), ids=FOLDED.keys())
def test_identities_that_folded_into_the_administrator_are_refused_or_kept_apart(claims):
    con = new_warehouse()
    settings = Settings(administrators=(ADMIN_EMAIL,))
    sign_in = access.sign_in_of(claims)
    actor = access.signed_in(con, sign_in.identity, settings) if sign_in.identity else None
    assert actor is None or actor.role == VIEWER, actor
    assert sign_in.identity != ADMIN_EMAIL
    if sign_in.identity is None:  # refused, saying why, and named exactly as the provider sent it
        assert "U+200B ZERO WIDTH SPACE" in sign_in.refusal or "space" in sign_in.refusal, sign_in.refusal
        assert "\\u200b" in sign_in.shown_as or "\\u0020" in sign_in.shown_as, sign_in.shown_as


def test_a_verified_email_is_the_identity_in_any_case_and_an_unverified_one_is_its_subject():
    assert access.sign_in_of(token("Admin@DOE.mass.edu", sub="s-1")).identity == ADMIN_EMAIL
    assert access.sign_in_of(token(ADMIN_EMAIL, sub="s-1", email_verified=True)).identity == ADMIN_EMAIL
    unverified = access.sign_in_of(token(ADMIN_EMAIL, sub="s-2", email_verified="false"))
    assert unverified.identity == "subject:s-2" and unverified.refusal is None
    # An email cannot pass for a subject identity either.
    assert access.sign_in_of(token("subject:s-2@x.org", sub="s-3")).identity is None


def test_lower_casing_folds_no_other_letter_into_a_latin_one():
    # Python's str.lower() turns the Kelvin sign into "k" and U+0130 into "i" + a dot: two different emails
    # would become one identity. Only A-Z is lower-cased.
    settings = Settings(administrators=("clerk@doe.mass.edu", "irene@doe.mass.edu"))
    for email in ("cler\u212a@doe.mass.edu", "\u0130rene@doe.mass.edu"):
        sign_in = access.sign_in_of(token(email, sub="s"))
        assert sign_in.identity == email
        assert access.signed_in(new_warehouse(), sign_in.identity, settings).role == VIEWER


@pytest.mark.parametrize(
    "email",
    [
        "admin@doe.mass.edu\u2060",
        "admin@doe.mass.edu\x00",
        "admin\u202e@doe.mass.edu",
        "admin@doe.mass.edu ",
        "ad min@doe.mass.edu",
        "admin@doe\u3164.mass.edu",
        "admin@@doe.mass.edu",
        "admin",
    ],
)
def test_an_email_that_cannot_be_matched_exactly_is_refused_never_cleaned(email):
    sign_in = access.sign_in_of(token(email, sub="s"))
    assert sign_in.identity is None and sign_in.refusal
    # Asked directly, nothing of it is cleaned into the administrator either.
    actor = access.signed_in(new_warehouse(), email, Settings(administrators=(ADMIN_EMAIL,)))
    assert actor is None or (actor.identity == email and actor.role == VIEWER)


def test_a_sign_in_that_does_not_say_when_it_was_issued_or_expires_is_refused():
    claims = token(ADMIN_EMAIL)
    for missing in ("iat", "exp"):
        sign_in = access.sign_in_of({k: v for k, v in claims.items() if k != missing})
        assert sign_in.identity is None and "does not say when it" in sign_in.refusal


def test_a_role_cannot_be_granted_to_an_identity_with_unseen_characters():
    con = new_warehouse()
    with pytest.raises(ValueError, match=r"admin@doe\.mass\.edu\\u200b.*U\+200B"):
        access.grant_role(con, "admin@doe.mass.edu\u200b", ADMINISTRATOR, actor=ADMIN)
    access.grant_role(con, "subject:00uAbC", REVIEWER, actor=ADMIN)  # a sign-in without a verified email
    assert access.signed_in(con, access.sign_in_of(token(sub="00uAbC")).identity, Settings()).role == REVIEWER


def test_a_sign_in_ends_when_its_token_expires_after_the_session_lifetime_and_at_sign_out():
    con = new_warehouse()
    settings = Settings(session_hours=8)

    def ended(claims, now=NOW):
        return access.sign_in_ended(con, access.sign_in_of(claims), settings, now)

    assert ended(token(ADMIN_EMAIL, age_hours=1, lasts_hours=2)) is None
    assert ended(token(ADMIN_EMAIL, age_hours=3, lasts_hours=2)) == (
        "your identity provider's sign-in expired at 2026-11-28 14:00 UTC"
    )
    assert ended(token(ADMIN_EMAIL, age_hours=9, lasts_hours=24)) == "it expired after 8 hours"
    assert (
        access.sign_in_ended(
            con,
            access.sign_in_of(token(ADMIN_EMAIL, age_hours=0.6, lasts_hours=24)),
            Settings(session_hours=0.5),
            NOW,
        )
        == "it expired after 30 minutes"
    )

    # Signing out ends every sign-in of that identity issued before it (another browser's too), not later ones.
    before = token(ADMIN_EMAIL, age_hours=1)
    access.record_sign_out(con, ADMIN, now=NOW - timedelta(minutes=30))
    assert ended(before) == "you signed out at 2026-11-28 14:30 UTC"
    assert ended(token(ADMIN_EMAIL, age_hours=0.25)) is None
    assert ended(token("other@doe.mass.edu", age_hours=1)) is None
    assert audit(con)[-1][:3] == (ADMIN_EMAIL, ADMINISTRATOR, "signed out")


def test_the_audit_log_has_one_line_per_sign_in_with_the_providers_subject():
    con = new_warehouse()
    sign_in = access.sign_in_of(token(ADMIN_EMAIL, sub="00u-admin"))
    actor = access.signed_in(
        con, sign_in.identity, Settings(), subject=sign_in.subject, issuer=sign_in.issuer
    )
    assert access.record_sign_in(con, actor, sign_in) is True
    assert access.record_sign_in(con, actor, sign_in) is False  # a second browser session, same cookie
    later = access.sign_in_of(token(ADMIN_EMAIL, sub="00u-admin", age_hours=0.5))
    assert access.record_sign_in(con, actor, later) is True  # signed in again: a new sign-in
    log = access.audit_log(con, actor=ADMIN)
    signed = log[log.action == "signed in"]
    assert len(signed) == 2
    assert set(signed.subject) == {"00u-admin"} and set(signed.issuer) == {ISSUER}

    refused = access.sign_in_of(FOLDED["email + zero-width space"])
    stranger = Actor(refused.shown_as, VIEWER, subject=refused.subject, issuer=refused.issuer)
    for _ in range(2):
        access.record_sign_in(con, stranger, refused, refused=refused.refusal)
    lines = access.audit_log(con, actor=ADMIN, actions=["refused"])
    assert list(lines.who) == ["ADMIN@doe.mass.edu\\u200b"]
    assert list(lines.subject) == ["mallory-1"] and "U+200B" in lines.detail.iloc[0]


def test_the_session_lifetime_is_a_setting(monkeypatch, tmp_path):
    from analytics.settings import SettingsFileError, load_settings

    assert Settings().session_hours == 8
    monkeypatch.setenv("DASHBOARD_SESSION_HOURS", "0.5")
    assert load_settings(tmp_path / "none.toml").session_hours == 0.5
    for wrong in ("0", "-1", "eight", "nan", "inf"):
        monkeypatch.setenv("DASHBOARD_SESSION_HOURS", wrong)
        with pytest.raises(SettingsFileError, match="session_hours"):
            load_settings(tmp_path / f"none-{wrong}.toml")
