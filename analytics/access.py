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

An identity is what the person signed in as (their email, else the identity provider's subject), lower-cased.
The first administrators come from configuration (data/settings.toml, DASHBOARD_ADMINISTRATORS); the rest of
the roles are rows in the warehouse's `roles` table, which administrators manage.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

import duckdb
import pandas as pd

from analytics.settings import Settings, load_settings
from analytics.text import clean_name
from analytics.warehouse import next_id, sql, write_attempts

VIEWER, UPLOADER, REVIEWER, ADMINISTRATOR = "viewer", "uploader", "reviewer", "administrator"
ROLES = (VIEWER, UPLOADER, REVIEWER, ADMINISTRATOR)
ROLE_LABELS = {
    VIEWER: "viewer",
    UPLOADER: "district uploader",
    REVIEWER: "DESE reviewer",
    ADMINISTRATOR: "DESE administrator",
}
# What the audit log records (migration 007 checks the same; tests/test_access.py holds them together).
AUDIT_ACTIONS = (
    "signed in",
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
)
# The kinds a district may upload for its own organizations. Fellows are DESE's program records (a cohort
# file replaces the whole cohort, statewide), and the organizations list is DESE's.
DISTRICT_KINDS = ("staffing", "enrollment", "participation", "equity-leaders")
IDENTITY_LIMIT = 254  # the longest an email address can be
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


def normalise_identity(identity: str) -> str:
    """An identity as stored: cleaned of control characters, trimmed, lower-cased."""
    return clean_text(identity, IDENTITY_LIMIT).lower()


def signed_in(
    con: duckdb.DuckDBPyConnection, identity: str, settings: Settings | None = None
) -> Actor | None:
    """The actor for a signed-in identity: an administrator from configuration, else the roles table's row,
    else a viewer (or None, refused, when the settings say unknown users are refused)."""
    settings = settings or load_settings()
    who = normalise_identity(identity)
    if not who:
        return None
    if who in settings.administrators:
        return Actor(who, ADMINISTRATOR)
    row = con.execute(sql("role_of"), {"identity": who}).fetchone()
    if row is not None:
        role, codes = row
        return Actor(who, role, frozenset(codes or ()))
    return Actor(who, VIEWER) if settings.unknown_users == "viewer" else None


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
        },
    )


def record_sign_in(con: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """A sign-in, in its own transaction."""
    for attempt in write_attempts(con):
        with attempt:
            record(con, actor, "signed in", detail=f"as {actor.role_label}")


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
