"""Upload: choose what you are loading, get its template, drop a file, see what was recognised and any
problems, preview what saving changes, save; the history, with roll back and undo. The sections are
ui/upload_file.py and ui/upload_history.py."""

import streamlit as st

from analytics.access import needs_review
from ui import upload_state
from ui import upload_view as view
from ui.layout import page_heading
from ui.text import plain
from ui.upload_file import choose_kind, load_file, safely
from ui.upload_history import upload_history

actor = upload_state.actor()
page_heading("Upload", view.page_question(actor))
if not actor.may_upload:  # the navigation hides this page from them; a direct run still refuses
    st.warning(
        "Uploading needs a district uploader's or DESE's role. Sign in, or ask DESE's dashboard "
        "administrators for one.",
        icon=":material/lock:",
    )
    st.stop()
if not actor.is_dese:
    reviewed = " Your files wait for a DESE reviewer before they count." if needs_review(actor) else ""
    yours = ", ".join(f"{name} ({code})" for code, name in sorted(upload_state.organizations().items()))
    st.caption(plain(f"You upload for {yours}.{reviewed}"))
chosen_kind = choose_kind()
safely(load_file, chosen_kind)
safely(upload_history)
