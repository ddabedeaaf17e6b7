"""User text (file names, organization names, uploaders, cell values quoted in problems) shown as text.

Streamlit renders Markdown in far more places than st.markdown: captions, alerts (st.error, st.warning ...),
titles, st.table's cells, widget labels and help tooltips, metric labels, radio options and tabs. There a
file named "[click](http://x)" would become a live link, "![i](http://x/i.png)" an image every visitor's
browser fetches, ":red[x]" coloured text, "$x^2$" LaTeX. plain() turns any text into Markdown that shows
it exactly as written in every one of those places, without HTML (so no element needs unsafe_allow_html):

- Every ASCII punctuation character is backslash-escaped (CommonMark lets any be). That stops links,
  images, emphasis, HTML, LaTeX and Streamlit's own ":red[...]" and ":material/...:" directives.
- Escaping is not enough for what Streamlit finds in the text *after* parsing it, where an escaped character
  is an ordinary one: GFM's autolink literals ("http://…", "www.…", "name@host.org" become live links),
  emoji shortcodes (":smile:"), Streamlit's ":streamlit:" logo and its typographic arrows (" -> " becomes
  " → "). A word (a run without whitespace) that holds any of these is written as a code span instead:
  code is never searched for links, shortcodes or arrows, and shows its characters as they are (in
  Streamlit's code style, which marks it as quoted). Streamlit rewrites ":material/" to ":material_"
  before parsing, inside code too, so that "/" is left outside the code span, escaped.

Grids are the other door: st.dataframe draws cells as text (no Markdown), but its toolbar offers "Download as
CSV", written in the browser from the values shown, so a cell "=HYPERLINK(…)" would reach Excel as a
formula. grid() quotes such cells before they are shown (the quote shows on screen too, which is honest
about what the cell holds). Plotly figures are the third: analytics.text.figure_text."""

from __future__ import annotations

import re

import pandas as pd

from analytics.text import spreadsheet_safe

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_WORDS = re.compile(r"(\s+)")
# What Streamlit's Markdown acts on after parsing, whatever was escaped: GFM autolink literals (a scheme's
# "://", "www.", an email's "@"), emoji shortcodes and ":streamlit:".
_ACTS_AFTER_PARSING = re.compile(r"://|www\.|@|:[\w+-]+:", re.IGNORECASE)
# Streamlit's typographic replacements, each a whole word between spaces ("a -> b" shows "a → b").
_TYPOGRAPHIC = frozenset({"<->", "->", "<-", "--", ">=", "<=", "~="})
_MATERIAL = ":material/"  # rewritten to ":material_" in the Markdown source, code spans included


def plain(text: object) -> str:
    """`text` as Markdown that Streamlit shows exactly as written, in any element that renders Markdown."""
    return "".join(
        piece if not piece or piece.isspace() else _word(piece) for piece in _WORDS.split(str(text))
    )


def _word(word: str) -> str:
    if word in _TYPOGRAPHIC or _ACTS_AFTER_PARSING.search(word):
        return _code(word)
    return _PUNCTUATION.sub(r"\\\1", word)


def _code(word: str) -> str:
    """`word` as code spans, the "/" of any ":material/" between them (escaped)."""
    parts = word.split(_MATERIAL)
    spans = []
    for i, part in enumerate(parts):
        if i < len(parts) - 1:
            part += _MATERIAL[:-1]  # ":material", its "/" outside
        if part:
            spans.append(_code_span(part))
        if i < len(parts) - 1:
            spans.append("\\/")
    return "".join(spans)


def _code_span(text: str) -> str:
    """`text` (no whitespace in it) as one code span: fenced by more backticks than it holds in a row, and
    padded with a space where it starts or ends with one (CommonMark strips one space from each end)."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def grid(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as a data grid (st.dataframe, st.table) may show it: its formula-leading text cells quoted,
    so the grid's own CSV download cannot carry a formula. Pass every frame holding user text through it
    (and st.table's cells through plain() as well: it renders them as Markdown)."""
    return spreadsheet_safe(frame)
