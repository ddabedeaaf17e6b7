"""The Upload page's side of the app: who is uploading, the answers given for the file in hand, checking it
once per change, the writes (save, roll back, undo, approve, reject, withdraw), each on its own cursor, and
what the session remembers of them. The page only reads widgets and renders (what it shows is worked out in
ui/upload_view). Every write names the session's actor; analytics/ decides whether it may."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analytics import access, releases, store
from analytics.access import Actor, NotAllowed
from analytics.ingest import (
    Answers,
    CheckedUpload,
    UploadPreview,
    check_upload,
    known_organizations,
    preview_upload,
    save_checked,
)
from analytics.ingest import preview_pending as preview_pending_upload
from analytics.ingest import problems as problem_codes
from analytics.store import SavedUpload
from analytics.trouble import WarehouseUnavailable
from ui import auth
from ui.data import call, current_version, cursor, writer
from ui.upload_view import ANSWER_KEYS, SAVE_AGAIN_KEY

log = logging.getLogger("dashboard.upload")
_CHECKED = "upload_checked"  # session cache: the last file checked, with what it was checked for
_ANSWERS_FOR = "upload_answers_for"  # the file (and kind) the answers in the session were given for
_SAVED = "upload_saved"  # file hash + kind -> the upload it was saved as, in this session
_HISTORY_MESSAGE = "upload_history_message"  # what the last roll back or undo did, said once


def actor() -> Actor:
    """Who is acting in this session (ui/auth.py)."""
    return auth.current()


def answered() -> dict[str, object]:
    """The answers chosen so far, by question name (None where nothing is chosen)."""
    return {name: st.session_state.get(key) for name, key in ANSWER_KEYS.items()}


def answers_for(file_id: str, kind: str) -> Answers:
    """The answers given for this file. Answers belong to one file: a new file (or kind) starts with
    none, and with its save confirmation unticked, so nothing carries over unseen."""
    if st.session_state.get(_ANSWERS_FOR) != (file_id, kind):
        for key in (*ANSWER_KEYS.values(), SAVE_AGAIN_KEY):
            st.session_state.pop(key, None)
        st.session_state[_ANSWERS_FOR] = (file_id, kind)
    return Answers(**answered())


def check(kind: str, data: bytes, file_name: str, answers: Answers) -> CheckedUpload:
    """The file checked for `kind` with `answers`; reused across reruns until any of them or the data
    in the warehouse changes."""
    person = actor()
    key = (kind, file_name, len(data), hash(data), answers, current_version(), person)
    cached = st.session_state.get(_CHECKED)
    if cached and cached[0] == key:
        return cached[1]
    with cursor() as cur:
        checked = check_upload(cur, kind, data, file_name, answers, actor=person)
    st.session_state[_CHECKED] = (key, checked)
    _record_refused_rows(checked, person)
    return checked


# The check's problems that refuse the person rather than the file: rows their sign-in may not upload.
_REFUSED_CODES = (problem_codes.NOT_ALLOWED, problem_codes.NOT_YOUR_ORGANIZATION)


def _record_refused_rows(checked: CheckedUpload, person: Actor) -> None:
    """A file the person's role may not upload (another organization's rows, a kind or a statewide file that
    is DESE's), refused by the check before anything could be saved: in the audit log, once per file and
    kind in this browser session (the check runs again when the data changes)."""
    refused = [p for p in checked.problems if p.code in _REFUSED_CODES]
    if not refused:
        return
    first = refused[0]
    where = ", ".join(
        part
        for part in (
            f"row {first.row}" if first.row is not None else "",
            f"“{first.value}”" if first.value not in (None, "") else "",
        )
        if part
    )
    detail = (
        f"upload of “{checked.file_name}” ({checked.kind.name}), refused before saving: it holds what this "
        f"sign-in may not upload; {where or 'the file'} should be {first.expected}"
    )
    auth.record_refusal(person, detail, once=("upload", checked.sha256, checked.kind.name, person.identity))


def preview(checked: CheckedUpload) -> UploadPreview | None:
    """What saving would change, against the warehouse as it is now, as this person's pages show it."""
    with cursor() as cur:
        return preview_upload(cur, checked, actor=actor())


def preview_pending(upload_id: int) -> UploadPreview | None:
    """What approving a pending upload would change (DESE reviewers), cached until the data changes."""
    return call(preview_pending_upload, upload_id, actor=actor())


@dataclass(frozen=True)
class Outcome:
    """What a write did, for the page to say: a message, and whether it went well."""

    ok: bool
    message: str


def save(checked: CheckedUpload) -> tuple[Outcome, SavedUpload | None]:
    """Save the checked upload in one transaction, as the person signed in."""
    try:
        with writer() as cur:
            saved = save_checked(cur, checked, actor=actor())
    except NotAllowed as refusal:
        auth.record_refusal(actor(), f"saving “{checked.file_name}” ({checked.kind.name}): {refusal}")
        return Outcome(False, f"{refusal} Nothing was saved."), None
    except WarehouseUnavailable as unavailable:
        return Outcome(False, f"Nothing was saved: {unavailable.trouble.message}"), None
    except Exception:
        log.exception("saving upload %r failed", checked.file_name)
        return Outcome(
            False,
            "The upload could not be saved, and nothing was written. Try again; if it "
            "keeps failing, the details are in the dashboard's log.",
        ), None
    years = ", ".join(saved.school_years) or "—"
    waits = (
        " It is pending: it waits for a DESE reviewer and counts nowhere until approved."
        if saved.pending
        else ""
    )
    return (
        Outcome(
            True,
            f"Saved as upload {saved.upload_id}: {saved.rows:,} rows for {saved.organizations:,} "
            f"organizations, school years {years}.{waits}",
        ),
        saved,
    )


def saved_as(checked: CheckedUpload) -> SavedUpload | None:
    """What this file (for this kind) was saved as in this session, if it was."""
    return st.session_state.get(_SAVED, {}).get(checked.sha256 + checked.kind.name)


def remember_saved(checked: CheckedUpload, saved: SavedUpload) -> None:
    """Remember that this file was saved (the page then says so instead of offering to save it)."""
    st.session_state.setdefault(_SAVED, {})[checked.sha256 + checked.kind.name] = saved


def _write(upload_id: int, write, done: str) -> Outcome:
    """Run one write on an upload as this session's actor; a refusal or failure changes nothing."""
    try:
        with writer() as cur:
            try:
                status = write(cur)
            except NotAllowed as refusal:
                access.record_refusal(cur, actor(), str(refusal), upload_id)
                return Outcome(False, str(refusal))
    except (store.UploadNotFound, ValueError) as problem:
        return Outcome(False, str(problem))
    except WarehouseUnavailable as unavailable:
        return Outcome(False, f"Nothing changed: {unavailable.trouble.message}")
    except Exception:
        log.exception("changing upload %s failed", upload_id)
        return Outcome(False, "That did not work, and nothing changed. Try again.")
    return Outcome(True, f"Upload {upload_id} {done}; its status is now {status}.")


def change_standing(upload_id: int, *, roll_back: bool) -> Outcome:
    """Roll an upload back (its facts stop counting) or undo that."""
    action = store.rollback_upload if roll_back else store.restore_upload
    return _write(
        upload_id,
        lambda cur: action(cur, upload_id, actor=actor()),
        "rolled back" if roll_back else "counts again",
    )


def review(upload_id: int, *, approve: bool, note: str) -> Outcome:
    """A DESE reviewer approves a pending upload (it counts from now on) or rejects it with a note."""
    return _write(
        upload_id,
        lambda cur: store.review_upload(cur, upload_id, approve=approve, note=note, actor=actor()),
        "approved" if approve else "rejected",
    )


def withdraw(upload_id: int) -> Outcome:
    """A district takes back its own pending upload."""
    return _write(upload_id, lambda cur: store.withdraw_upload(cur, upload_id, actor=actor()), "withdrawn")


def release_state() -> tuple[dict | None, list[str]]:
    """The latest release (None before any) and what it held back, in words (DESE reviewers), cached until
    the data changes."""
    return call(releases.latest_release), call(releases.held_back_words)


def release() -> Outcome:
    """Release the current figures to everyone who is not DESE, as this session's actor."""
    try:
        with writer() as cur:
            try:
                done = releases.publish(cur, actor=actor())
            except NotAllowed as refusal:
                access.record_refusal(cur, actor(), f"releasing the figures: {refusal}")
                return Outcome(False, str(refusal))
    except WarehouseUnavailable as unavailable:
        return Outcome(False, f"Nothing was released: {unavailable.trouble.message}")
    except Exception:
        log.exception("releasing the figures failed")
        return Outcome(False, "The figures could not be released, and nothing changed. Try again.")
    return Outcome(True, f"Released the current figures as release {done.release_id}: {done.summary}.")


def keep_history_message(outcome: Outcome) -> None:
    """Keep what a roll back or undo did, to say once after the page reruns."""
    st.session_state[_HISTORY_MESSAGE] = outcome


def history_message() -> Outcome | None:
    """What the last roll back or undo did, once (then forgotten)."""
    return st.session_state.pop(_HISTORY_MESSAGE, None)


def history() -> pd.DataFrame:
    """The uploads this session's actor may see, newest first (cached until the data changes)."""
    return call(store.upload_history, actor=actor())


def organizations() -> dict[str, str]:
    """Organization code -> name, for choosing the district of a one-district file: a district uploader's
    own organizations only."""
    known = call(known_organizations)
    person = actor()
    return known if person.is_dese else {c: n for c, n in known.items() if c in person.org_codes}
