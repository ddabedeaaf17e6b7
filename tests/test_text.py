"""analytics/text.py and ui/text.py: user text made harmless for a spreadsheet, a terminal, a Plotly figure, the
warehouse and Streamlit's Markdown."""

import re

import pandas as pd
import pytest
from markdown_reading import as_read, live_text, read_text

from analytics.figure_data import plain as figure_plain
from analytics.text import (
    NAME_MAX,
    clean_file_name,
    clean_name,
    figure_text,
    has_unseen,
    spreadsheet_safe,
    terminal_safe,
)
from ui.text import plain

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\t=1", "\r=1"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_formula_leading_text_cell_is_quoted(cell):
    frame = pd.DataFrame({"name": [cell, "Boston"], "code": ["00350000", "01490000"]})
    safe = spreadsheet_safe(frame)
    assert safe["name"].tolist() == ["'" + cell, "Boston"]
    assert safe["code"].tolist() == ["00350000", "01490000"]
    assert frame["name"].iloc[0] == cell  # the caller's frame is left as it was


def test_numbers_stay_numbers_negative_ones_included():
    frame = pd.DataFrame(
        {
            "gap": [-0.5, 1.0],
            "people": [-2, 3],
            "mixed": [-2, "-2"],  # an object column: the number stays, the text is quoted
            "shown": [True, False],
            "year": pd.Categorical(["2023-24", "=x"]),
        }
    )
    safe = spreadsheet_safe(frame)
    assert safe["gap"].tolist() == [-0.5, 1.0] and safe["gap"].dtype == float
    assert safe["people"].tolist() == [-2, 3] and safe["people"].dtype == "int64"
    assert safe["mixed"].tolist() == [-2, "'-2"]
    assert safe["shown"].tolist() == [True, False]
    assert safe["year"].tolist() == ["2023-24", "'=x"]


def test_a_frame_with_nothing_to_quote_is_returned_as_it_is():
    frame = pd.DataFrame({"name": ["Boston", None], "fte": [1.0, -1.0]})
    assert spreadsheet_safe(frame) is frame


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("evil\x1b[2J.csv", "evil\\x1b[2J.csv"),
        ("a.csv\n 12  2026-01-01 00:00  staffing", "a.csv\\n 12  2026-01-01 00:00  staffing"),
        ("tab\there\rcr", "tab\\there\\rcr"),
        ("nul\x00del\x7fcsi\x9b", "nul\\x00del\\x7fcsi\\x9b"),
        ("\u202egpj.csv", "\\u202egpj.csv"),
        ("isolate\u2066x\u2069", "isolate\\u2066x\\u2069"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("Lawrence – Ökonomie", "Lawrence – Ökonomie"),  # letters and dashes are text, not controls
    ],
)
def test_terminal_text_shows_controls_as_escapes(text, shown):
    assert terminal_safe(text) == shown
    assert terminal_safe(shown) == shown  # escaping twice changes nothing


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("Bos\x00ton", "Boston"),
        ("\u202eBoston", "Boston"),
        ("Spring\u2066field\u2069", "Springfield"),
        ("Law\u200brence", "Lawrence"),
        ("  EDCO\tCollaborative \n", "EDCO Collaborative"),
        ("North\u00a0Adams", "North Adams"),
        ("Worcester", "Worcester"),
    ],
)
def test_names_are_kept_without_controls_and_invisible_characters(name, kept):
    assert clean_name(name) == kept


def test_only_invisible_characters_are_worth_a_warning():
    assert has_unseen("Bos\x00ton") and has_unseen("a\u202eb") and has_unseen("Boston\n")
    assert not has_unseen("  Boston  ") and not has_unseen("North\u00a0Adams")


def test_a_long_file_name_is_cut_keeping_its_extension():
    kept = clean_file_name("x" * 500 + ".xlsx")
    assert len(kept) == NAME_MAX and kept.endswith("….xlsx")
    assert clean_file_name("staffing\x1b[2J\n2024.csv") == "staffing[2J 2024.csv"
    assert clean_file_name("\u202e") == "unnamed file"
    assert len(clean_file_name("y" * 500)) == NAME_MAX


def test_figure_text_is_text_not_markup():
    assert figure_text('<a href="http://evil.example">Evil</a> & <img src=x>') == (
        '&lt;a href="http://evil.example"&gt;Evil&lt;/a&gt; &amp; &lt;img src=x&gt;'
    )
    # Between two $ Plotly typesets LaTeX wherever MathJax is loaded (Kaleido's PNGs): $ is an entity too,
    # read back as $ by the slides and the page's text alternative.
    assert figure_text("$x^2$ Charter") == "&#36;x^2&#36; Charter"
    assert figure_plain(figure_text("$x^2$ <b>")) == "$x^2$ <b>"


# --- Markdown (ui/text.py): what Streamlit renders as Markdown shows user text as written --------------

MARKDOWN_CASES = [
    "![img](http://evil.example/img.png)",
    ":red[x]",
    ":material/warning:",
    "$x^2$",
    "http://evil.example/x",
    "HTTPS://EVIL.EXAMPLE/x",
    "www.evil.example",
    "(www.evil.example)",
    "<b>x</b>",
    '<a href="http://evil.example">x</a>',
    '=HYPERLINK("http://evil.example")',
    "clerk@evil.example",
    ":smile: and :streamlit:",
    "a -> b -- c >= d <= e <- f <-> g ~= h",
    "x`y``z `",
    "http://e.example/:material/warning:",
    "# heading\n- item\n1. one\n> quote\n***",
    "Abby Kelley Foster Charter Public (District)",
    "",
]


@pytest.mark.parametrize("text", MARKDOWN_CASES)
def test_plain_markdown_reads_as_written_and_nothing_in_it_acts(text):
    source = plain(text)
    assert as_read(source) == text
    live, read = live_text(source), read_text(source)
    # Nothing Markdown or Streamlit's directives act on is left unescaped outside code spans...
    assert not re.search(r"[!-/:-@\[-`{-~]", live.replace("\x00", "")), source
    # ...and nothing found after parsing either: links, emoji shortcodes, ":streamlit:", arrows.
    assert not re.search(r"://|www\.|@|:[\w+-]+:", read, re.IGNORECASE), source
    assert not re.search(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)", read), source
    assert ":material/" not in source  # Streamlit rewrites it before parsing, even in code


def test_plain_leaves_plain_words_alone():
    assert plain("Boston Public Schools") == "Boston Public Schools"
    assert plain("North Adams: 2019-20") == r"North Adams\: 2019\-20"
