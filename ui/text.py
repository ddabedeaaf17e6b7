"""User text (file names, organization names, uploaders) shown as text: Streamlit renders the message of
st.warning, st.caption, st.markdown ... as Markdown, so a file named "[click](http://x)" would become a live
link. Every ASCII punctuation character is backslash-escaped (CommonMark lets any be), which also stops
Streamlit's own ":red[...]" and ":material/...:" directives."""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: object) -> str:
    """`text` escaped so that Streamlit's Markdown shows it exactly as written."""
    return _PUNCTUATION.sub(r"\\\1", str(text))
