"""Who may do what: the four roles, the person (or command line) acting, the roles table and the audit log.

Every write in analytics/store.py and every read of the uploads log asks this module first, on the server,
whatever a page shows or hides: a hidden button is not a permission.

    viewer          sees the goal pages and exports (suppressed as always); writes nothing
    uploader        a district's: also uploads files whose every row is one of its organizations (they wait
                    for review unless review is off), sees its own uploads, withdraws its own pending upload,
                    rolls back its own uploads
    reviewer        DESE's: sees every upload and the audit log; approves or rejects pending uploads; uploads
                    statewide files; rolls back and restores any upload
    administrator   DESE's: a reviewer who also grants and removes roles (the Access page)

An identity is what the person signed in as, matched exactly (only A-Z lower-cased): their email, where
the identity provider has not marked it unverified, else `subject:` and the provider's subject. A sign-in
whose email or subject holds a control, zero-width or direction character, or space at either end, is
refused, never cleaned into another identity; the audit log records the provider's subject beside the name.
A sign-in ends when its identity signs out (in any browser), after the session lifetime (`session_hours`),
or when its ID token expires, whichever comes first.
The first administrators come from configuration (data/settings.toml, DASHBOARD_ADMINISTRATORS); the rest of
the roles are rows in the warehouse's `roles` table, which administrators manage.
"""

from __future__ import annotations

import getpass
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from datetime import UTC, date, datetime, time, timedelta

import duckdb
import pandas as pd

from analytics.contracts import FACT_KINDS
from analytics.roles import ADMINISTRATOR, REVIEWER, ROLES, UPLOADER, VIEWER
from analytics.settings import Settings, load_settings
from analytics.sql_files import sql
from analytics.text import clean_name
from analytics.writes import next_id, write_attempts

ROLE_LABELS = {
    VIEWER: "viewer",
    UPLOADER: "district uploader",
    REVIEWER: "DESE reviewer",
    ADMINISTRATOR: "DESE administrator",
}
# What the audit log records (migration 011 checks the same; tests/test_warehouse.py holds them together).
AUDIT_ACTIONS = (
    "signed in",
    "signed out",
    "saved",
    "submitted",
    "approved",
    "rejected",
    "withdrawn",
    "rolled back",
    "restored",
    "granted role",
    "removed role",
    "refused",
    "released",  # a DESE reviewer made the current figures the ones viewers see
)
# The kinds a district may upload for its own organizations, as their contracts say (their own reports by
# student group included: a statewide report is DESE's, refused by its State row or its other organizations'
# rows). Fellows are DESE's program records (a cohort file replaces the whole cohort, statewide), and the
# organizations list is DESE's.
DISTRICT_KINDS = tuple(name for name, kind in FACT_KINDS.items() if kind.district_upload)
IDENTITY_LIMIT = 254  # the longest an email address can be
SUBJECT_LIMIT = 255  # the longest an OpenID Connect subject can be
SUBJECT_PREFIX = "subject:"  # an identity made of the provider's subject, kept apart from every email
NOTE_LIMIT = 1000


class NotAllowed(PermissionError):
    """The actor's role does not allow this; the message says so in words the person understands."""


@dataclass(frozen=True)
class Actor:
    """Someone acting on the warehouse: who (as recorded), in which role, for which organizations."""

    identity: str
    role: str
    org_codes: frozenset[str] = field(default_factory=frozenset)
    channel: str = "web"  # web | command line | sign-in off | system
    subject: str = ""  # the sign-in provider's subject (`sub`), as the audit log records it beside the name
    issuer: str = ""  # and the provider (`iss`)

    @property
    def is_dese(self) -> bool:
        """A DESE reviewer or administrator: every upload, every organization."""
        return self.role in (REVIEWER, ADMINISTRATOR)

    @property
    def is_administrator(self) -> bool:
        return self.role == ADMINISTRATOR

    @property
    def may_upload(self) -> bool:
        """May save files at all (a district uploader for its own organizations only)."""
        return self.is_dese or (self.role == UPLOADER and bool(self.org_codes))

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def recorded_as(self) -> str:
        """The name the uploads log and the audit log record."""
        return self.identity

    def owns(self, org_codes: Iterable[str] | None, district_upload: bool) -> bool:
        """A district's own upload: made under a district uploader's role, for its organizations only."""
        codes = set(org_codes if org_codes is not None else ())
        return bool(district_upload) and bool(codes) and codes <= self.org_codes


def anonymous() -> Actor:
    """A visitor who has not signed in, where the deployment allows public viewing."""
    return Actor("anonymous visitor", VIEWER)


def sign_in_off() -> Actor:
    """Everyone, when sign-in is not configured (one person on a laptop): an administrator, and told so."""
    return Actor("anonymous (sign-in off)", ADMINISTRATOR, channel="sign-in off")


def operator(name: str | None = None, settings: Settings | None = None) -> Actor:
    """The command line: a named operator (the name given, else the configured one, else the operating-system
    user) with a DESE reviewer's rights by default, since whoever can open the warehouse file holds everything
    in it (a deployment may make it a viewer, or an administrator: `operator_role`)."""
    settings = settings or load_settings()
    chosen = clean_text(name or settings.operator or _os_user(), IDENTITY_LIMIT) or "unknown operator"
    return Actor(f"{chosen} (command line)", settings.operator_role, channel="command line")


def system(name: str) -> Actor:
    """The dashboard itself: loading its own reference table and the bundled sample data."""
    return Actor(name, REVIEWER, channel="system")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (some containers)
        return "unknown operator"


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Characters no one can see or that change how the rest reads: control (Cc), format (Cf: zero-width,
# direction marks and overrides, the byte-order mark), private-use, surrogate and unassigned code points,
# line and paragraph separators, and the blank letters that render as nothing.
_UNSEEN_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def unseen_character(text: str) -> str | None:
    """The first character of `text` that would make two identities look alike (control, zero-width,
    direction, blank or space), named as U+XXXX and its Unicode name; None when there is none."""
    for ch in text:
        if ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) in _UNSEEN_CATEGORIES:
            return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"
    return None


def shown_exactly(text: str) -> str:
    """`text` with every character identity_problem refuses (a space too) written out as \\uXXXX, and a
    backslash as two, so the audit log tells "admin@x" from "admin@x" + a zero-width space."""
    return "".join(
        "\\\\" if ch == "\\" else f"\\u{ord(ch):04x}" if unseen_character(ch) else ch for ch in text
    )


def identity_problem(identity: str) -> str | None:
    """Why `identity` (as typed or as the provider sent it) cannot be matched exactly, or None: empty,
    too long, or holding a control, zero-width, direction or space character (at either end too)."""
    if not identity:
        return "it is empty"
    if len(identity) > IDENTITY_LIMIT + len(SUBJECT_PREFIX):
        return f"it is longer than any sign-in ({len(identity):,} characters)"
    found = unseen_character(identity)
    if found is not None:
        return f"it holds a character that cannot be seen or that changes how it reads ({found})"
    return None


def normalise_identity(identity: str) -> str:
    """An identity as typed (the Access page) and stored: trimmed of the spaces a person types around it,
    A-Z lower-cased, nothing else changed (a character the eye cannot see is refused by identity_problem, never removed: removing it would
    fold one identity into another)."""
    return str(identity or "").strip(" \t").translate(_ASCII_LOWER)


def signed_in(
    con: duckdb.DuckDBPyConnection,
    identity: str,
    settings: Settings | None = None,
    *,
    subject: str = "",
    issuer: str = "",
) -> Actor | None:
    """The actor for a signed-in identity: an administrator from configuration, else the roles table's row,
    else a viewer (or None, refused, when the settings say unknown users are refused, or the identity is not
    one that can be matched exactly). `subject` and `issuer` go with the actor into the audit log."""
    settings = settings or load_settings()
    who = str(identity or "").translate(_ASCII_LOWER)  # as signed in: not even spaces are trimmed
    if identity_problem(who) is not None:
        return None
    signed = {"subject": subject, "issuer": issuer}
    if who in settings.administrators:
        return Actor(who, ADMINISTRATOR, **signed)
    row = con.execute(sql("role_of"), {"identity": who}).fetchone()
    if row is not None:
        role, codes = row
        return Actor(who, role, frozenset(codes or ()), **signed)
    return Actor(who, VIEWER, **signed) if settings.unknown_users == "viewer" else None


# --- a sign-in's claims, and when it ends ------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    """One sign-in as its ID token tells it (Streamlit keeps the token's claims in its cookie, st.user): who
    it is for the dashboard, or why it cannot be anyone."""

    identity: str | None  # None when refused
    subject: str  # the provider's `sub`, written out exactly (shown_exactly)
    issuer: str  # its `iss`
    issued_at: datetime | None  # `iat`, UTC
    expires_at: datetime | None  # `exp`, UTC
    refusal: str | None = None  # why no one may act on this sign-in
    shown_as: str = ""  # who the audit log names: the identity, or what was sent, written out exactly

    @property
    def key(self) -> tuple[str, str, datetime | None]:
        """One sign-in: the same token in any number of browser sessions has the same key."""
        return (self.issuer, self.subject, self.issued_at)


def _claim_time(claims: Mapping[str, object], name: str) -> datetime | None:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _unverified(claims: Mapping[str, object]) -> bool:
    """The provider marks the email unverified (`email_verified: false`; some send the string "false")."""
    flag = claims.get("email_verified")
    return flag is False or (isinstance(flag, str) and flag.strip().lower() == "false")


def sign_in_of(claims: Mapping[str, object]) -> SignIn:
    """Who a sign-in is, from its ID token's claims: the email (unless the provider marks it unverified),
    else `subject:` + the provider's subject; refused, with the reason in words, when that value holds a
    character the eye cannot see, space at either end, or is no email address, or the token says nothing
    of when it was issued or expires. Nothing is cleaned: cleaning is how one identity folds into another."""
    raw_sub = claims.get("sub")
    sub = raw_sub if isinstance(raw_sub, str) else ""
    issuer = claims.get("iss") if isinstance(claims.get("iss"), str) else ""
    times = {"issued_at": _claim_time(claims, "iat"), "expires_at": _claim_time(claims, "exp")}
    signed = {"subject": shown_exactly(sub[: SUBJECT_LIMIT + 1]), "issuer": shown_exactly(issuer), **times}
    email = claims.get("email")
    if email not in (None, "") and not _unverified(claims):
        shown = shown_exactly(str(email)[: IDENTITY_LIMIT + 1])
        if not isinstance(email, str):
            why = "the email your identity provider sent is not text"
        elif email.strip(" ") != email:
            why = "the email your identity provider sent begins or ends with a space"
        elif (problem := identity_problem(email)) is not None:
            why = f"the email your identity provider sent cannot be matched exactly: {problem}"
        elif (
            email.count("@") != 1
            or not all(email.split("@"))
            or len(email) > IDENTITY_LIMIT
            or normalise_identity(email).startswith(SUBJECT_PREFIX)  # kept apart from subjects
        ):
            why = "the email your identity provider sent is not an email address"
        else:
            return _timed(SignIn(normalise_identity(email), shown_as=normalise_identity(email), **signed))
        return SignIn(None, refusal=why, shown_as=shown, **signed)
    shown = SUBJECT_PREFIX + shown_exactly(sub[: SUBJECT_LIMIT + 1])
    if not sub:
        why = "your identity provider sent no subject" + (
            " and marked the email unverified" if email not in (None, "") else ""
        )
    elif len(sub) > SUBJECT_LIMIT:
        why = f"the subject your identity provider sent is longer than {SUBJECT_LIMIT} characters"
    elif sub.strip(" ") != sub:
        why = "the subject your identity provider sent begins or ends with a space"
    elif (problem := identity_problem(sub)) is not None:
        why = f"the subject your identity provider sent cannot be matched exactly: {problem}"
    else:
        identity = normalise_identity(SUBJECT_PREFIX + sub)
        return _timed(SignIn(identity, shown_as=identity, **signed))
    return SignIn(None, refusal=why, shown_as=shown, **signed)


def _timed(found: SignIn) -> SignIn:
    """A sign-in whose token does not say when it was issued and when it expires cannot be told to have
    ended: refused (every OpenID Connect ID token carries both)."""
    if found.issued_at is None or found.expires_at is None:
        missing = "when it was issued" if found.issued_at is None else "when it expires"
        return dataclass_replace(
            found, identity=None, refusal=f"your sign-in does not say {missing}, so it cannot be trusted"
        )
    return found


def sign_in_ended(
    con: duckdb.DuckDBPyConnection,
    sign_in: SignIn,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> str | None:
    """Why a sign-in is over, in words the person reads ("you signed out at …", "it expired after 8 hours"),
    or None while it lasts. It is over once its ID token has expired, once it is older than the session
    lifetime (`session_hours`), and for a sign-in issued before its identity last signed out (anywhere)."""
    settings = settings or load_settings()
    now = now or datetime.now(UTC)
    if sign_in.identity is None or sign_in.issued_at is None or sign_in.expires_at is None:
        return sign_in.refusal or "it cannot be matched to a person"
    if sign_in.expires_at <= now:
        return f"your identity provider's sign-in expired at {_utc(sign_in.expires_at)}"
    lifetime = timedelta(hours=settings.session_hours)
    if sign_in.issued_at + lifetime <= now:
        return f"it expired after {_duration(lifetime)}"
    row = con.execute(sql("sign_out_latest"), {"identity": sign_in.identity}).fetchone()
    signed_out = row[0].replace(tzinfo=UTC) if row and row[0] is not None else None
    if signed_out is not None and sign_in.issued_at < signed_out:
        return f"you signed out at {_utc(signed_out)}"
    return None


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _duration(span: timedelta) -> str:
    """8 hours, 1 hour, 30 minutes, 7 seconds."""
    seconds = span.total_seconds()
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size, 2)
            return f"{n:g} {unit}{'' if n == 1 else 's'}"
    n = round(seconds, 1)
    return f"{n:g} second{'' if n == 1 else 's'}"


# --- what each role may do -------------------------------------------------------------------------------


def require_dese(actor: Actor, doing: str) -> None:
    if not actor.is_dese:
        raise NotAllowed(f"Only DESE reviewers can {doing}; you are signed in as a {actor.role_label}.")


def require_administrator(actor: Actor, doing: str) -> None:
    if not actor.is_administrator:
        raise NotAllowed(f"Only DESE administrators can {doing}; you are signed in as a {actor.role_label}.")


def require_upload(actor: Actor, kind_name: str, org_codes: Iterable[str], *, covers_state: bool) -> None:
    """Refuse a save the actor may not make: a viewer's, or a district's outside its organizations or kinds.
    (The upload check says the same row by row, before the save; this is the guard at the door.)"""
    if actor.is_dese:
        return
    if not actor.may_upload:
        raise NotAllowed(
            f"Your sign-in may not upload files (you are a {actor.role_label}); ask DESE for a district "
            "uploader's role."
        )
    if kind_name not in DISTRICT_KINDS:
        raise NotAllowed(f"{kind_name.capitalize()} files are uploaded by DESE, not by districts.")
    if covers_state:
        raise NotAllowed("Statewide files are uploaded by DESE; upload your own organizations' rows only.")
    outside = sorted(set(org_codes) - actor.org_codes)
    if outside:
        raise NotAllowed(
            f"This file has rows for {len(outside):,} organization{'s' if len(outside) != 1 else ''} your "
            f"sign-in may not upload for (first: {outside[0]}); nothing was saved."
        )


def needs_review(actor: Actor, settings: Settings | None = None) -> bool:
    """A district's upload waits for a DESE reviewer (unless review is off); DESE's counts at once."""
    settings = settings or load_settings()
    return not actor.is_dese and settings.review_district_uploads


def require_history(actor: Actor) -> None:
    """The uploads log is for those who upload: a district sees its own, DESE sees all."""
    if not actor.may_upload:
        raise NotAllowed("The upload history is for district uploaders and DESE; sign in with such a role.")


def visible_uploads(actor: Actor, history: pd.DataFrame) -> pd.DataFrame:
    """The rows of the uploads log this actor may see: all for DESE, its own for a district, none else."""
    require_history(actor)
    if actor.is_dese:
        return history
    mine = [
        actor.owns(codes, district)
        for codes, district in zip(history["org_codes"], history["district_upload"], strict=True)
    ]
    return history[pd.Series(mine, index=history.index, dtype=bool)].reset_index(drop=True)


# --- the roles table -------------------------------------------------------------------------------------


def grant_role(
    con: duckdb.DuckDBPyConnection,
    identity: str,
    role: str,
    org_codes: Iterable[str] = (),
    *,
    actor: Actor,
) -> str:
    """Give `identity` a role (replacing any it had); a district uploader needs its organization codes.
    Returns what was done, in words (also the audit log's detail)."""
    require_administrator(actor, "grant roles")
    who = normalise_identity(identity)
    if not who:
        raise ValueError("Give the person's sign-in email.")
    problem = identity_problem(who)
    if problem is not None:
        raise ValueError(
            f"“{shown_exactly(who)}” cannot be a sign-in: {problem}. Type the email exactly as the person signs "
            "in (or subject: and the identity provider's subject)."
        )
    if role not in ROLES:
        raise ValueError(f"{role!r} is not a role (one of {', '.join(ROLES)}).")
    codes = sorted({c.strip() for c in org_codes if c and c.strip()})
    if role == UPLOADER and not codes:
        raise ValueError("A district uploader needs at least one organization code.")
    if role != UPLOADER and codes:
        raise ValueError(
            f"Organization codes are for district uploaders; a {ROLE_LABELS[role]} has all or none."
        )
    known = dict(con.execute(sql("organization_codes")).fetchall())
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(f"No organization has the code {unknown[0]} (8 digits, e.g. 01600000).")
    if who in load_settings().administrators:
        raise ValueError(f"{who} is an administrator from configuration; change data/settings.toml instead.")
    detail = f"{who}: {ROLE_LABELS[role]}" + (
        " for " + ", ".join(f"{c} ({known[c]})" for c in codes) if codes else ""
    )
    for attempt in write_attempts(con):
        with attempt:
            con.execute(
                sql("role_set"),
                {"identity": who, "role": role, "org_codes": codes, "granted_by": actor.recorded_as},
            )
            record(con, actor, "granted role", detail=detail)
    return detail


def remove_role(con: duckdb.DuckDBPyConnection, identity: str, *, actor: Actor) -> str:
    """Take `identity`'s role away (it becomes an unknown user). An administrator cannot remove their own."""
    require_administrator(actor, "remove roles")
    who = normalise_identity(identity)
    if who == actor.identity:
        raise ValueError("You cannot remove your own role; ask another administrator.")
    if who in load_settings().administrators:
        raise ValueError(f"{who} is an administrator from configuration; change data/settings.toml instead.")
    row = con.execute(sql("role_of"), {"identity": who}).fetchone()
    if row is None:
        raise ValueError(f"{who} has no role to remove.")
    detail = f"{who}: was {ROLE_LABELS[row[0]]}" + (f" for {', '.join(row[1])}" if row[1] else "")
    for attempt in write_attempts(con):
        with attempt:
            con.execute(sql("role_remove"), {"identity": who})
            record(con, actor, "removed role", detail=detail)
    return detail


def roles_table(
    con: duckdb.DuckDBPyConnection, *, actor: Actor, settings: Settings | None = None
) -> pd.DataFrame:
    """Everyone with a role: identity, role, organizations, granted by, when; administrators from
    configuration first."""
    require_administrator(actor, "see who holds which role")
    settings = settings or load_settings()
    granted = con.execute(sql("roles_list")).df()
    configured = pd.DataFrame(
        {
            "identity": list(settings.administrators),
            "role": ADMINISTRATOR,
            "org_codes": [[] for _ in settings.administrators],
            "granted_by": "configuration",
            "granted_at": pd.NaT,
        }
    )
    both = pd.concat([configured, granted[~granted["identity"].isin(settings.administrators)]])
    return both.reset_index(drop=True)


# --- the audit log ---------------------------------------------------------------------------------------


def record(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    action: str,
    *,
    upload_id: int | None = None,
    detail: str = "",
) -> None:
    """Add one line to the audit log (inside the caller's transaction, so it lands with what it records)."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"not an audit action: {action!r}")
    con.execute(
        sql("audit_record"),
        {
            "event_id": next_id(con, "audit_event_id"),
            "who": actor.recorded_as,
            "role": actor.role,
            "action": action,
            "upload_id": upload_id,
            "detail": clean_text(detail, NOTE_LIMIT),
            "subject": actor.subject or None,
            "issuer": actor.issuer or None,
        },
    )


def sign_in_seen(con: duckdb.DuckDBPyConnection, sign_in: SignIn) -> bool:
    """Whether the audit log already has this sign-in (signed in, or refused)."""
    return bool(con.execute(sql("sign_in_seen"), _sign_in_key(sign_in)).fetchone()[0])


def _sign_in_key(sign_in: SignIn) -> dict[str, object]:
    issued = sign_in.issued_at or datetime.fromtimestamp(0, UTC)
    return {"issuer": sign_in.issuer, "subject": sign_in.subject, "issued_at": _naive_utc(issued)}


def _naive_utc(moment: datetime) -> datetime:
    """A UTC moment as the warehouse's TIMESTAMP columns keep it (no zone; sign_ins and sign_outs are UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def record_sign_in(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    sign_in: SignIn | None = None,
    *,
    refused: str | None = None,
) -> bool:
    """A sign-in's line in the audit log ("signed in", or "refused" with why), in its own transaction; with
    `sign_in`, once per sign-in: a sign-in already seen (another browser session with the same cookie, or
    another server) adds nothing. Returns whether a line was written."""
    action, detail = (
        ("refused", f"sign-in: {refused}") if refused else ("signed in", f"as {actor.role_label}")
    )
    for attempt in write_attempts(con):
        with attempt:
            if sign_in is not None:
                if sign_in_seen(con, sign_in):
                    return False
                con.execute(
                    sql("sign_in_record"),
                    {
                        "identity": actor.recorded_as,
                        **_sign_in_key(sign_in),
                        "seen_at": _naive_utc(datetime.now(UTC)),
                    },
                )
            record(con, actor, action, detail=detail)
    return True


def record_sign_out(con: duckdb.DuckDBPyConnection, actor: Actor, now: datetime | None = None) -> None:
    """`actor` signed out: every sign-in of theirs issued before now is over, in every browser and on every
    server (sign_in_ended); and the audit log says so. One transaction."""
    now = now or datetime.now(UTC)
    for attempt in write_attempts(con):
        with attempt:
            con.execute(
                sql("sign_out_record"), {"identity": actor.identity, "signed_out_at": _naive_utc(now)}
            )
            record(con, actor, "signed out", detail=f"at {_utc(now)}; every browser's sign-in ended")


def record_refusal(
    con: duckdb.DuckDBPyConnection, actor: Actor, detail: str, upload_id: int | None = None
) -> None:
    """Something an actor tried and was refused, in its own transaction (the attempt changes nothing else)."""
    for attempt in write_attempts(con):
        with attempt:
            record(con, actor, "refused", upload_id=upload_id, detail=detail)


def audit_log(
    con: duckdb.DuckDBPyConnection,
    *,
    actor: Actor,
    who: str | None = None,
    actions: Iterable[str] = (),
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """The audit log, newest first, filtered: who (part of the name, any case), which actions, which days."""
    require_dese(actor, "read the audit log")
    return con.execute(
        sql("audit_log"),
        {
            "who": f"%{who.strip().lower()}%" if who and who.strip() else None,
            "actions": list(actions) or None,
            "since": datetime.combine(since, time.min) if since else None,
            "until": datetime.combine(until, time.max) if until else None,
        },
    ).df()


def clean_text(text: object, limit: int) -> str:
    """Text from a person (an identity, a review note) as it is kept: cleaned as names are (analytics/text.py),
    and at most `limit` characters."""
    return clean_name(str(text or ""))[:limit]
