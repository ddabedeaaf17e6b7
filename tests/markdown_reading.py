"""Streamlit's Markdown as the tests read it: what a person sees of a Markdown source (as_read), and what of
it Markdown can still act on (live_text). Enough of CommonMark for what ui.text.plain() writes and pages
write around it: backslash escapes and code spans."""

from __future__ import annotations

import re

PUNCTUATION = frozenset(chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum())
ESCAPED = "\x00"  # stands for an escaped character in live_text: Markdown takes it as an ordinary one


def _pieces(source: str) -> list[tuple[str, str]]:
    """The source as ("text", c), ("escaped", c) and ("code", content) pieces, in order."""
    pieces, i = [], 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source) and source[i + 1] in PUNCTUATION:
            pieces.append(("escaped", source[i + 1]))
            i += 2
        elif char == "`":
            fence = re.match(r"`+", source[i:]).group()
            # A code span closes at the next backtick run of exactly the same length.
            close = re.compile(rf"(?<!`){fence}(?!`)").search(source, i + len(fence))
            if close is None:
                pieces.extend(("text", "`") for _ in fence)
                i += len(fence)
                continue
            content = source[i + len(fence) : close.start()].replace("\n", " ")
            if content.startswith(" ") and content.endswith(" ") and content.strip():
                content = content[1:-1]
            pieces.append(("code", content))
            i = close.end()
        else:
            pieces.append(("text", char))
            i += 1
    return pieces


def as_read(source: str) -> str:
    """What a person reads of Markdown `source`: escapes undone, code spans' characters as they are."""
    return "".join(content for _, content in _pieces(source))


def live_text(source: str) -> str:
    """The characters Markdown acts on: code spans left out (a space), each escaped character masked."""
    return "".join(
        " " if kind == "code" else ESCAPED if kind == "escaped" else content
        for kind, content in _pieces(source)
    )


def read_text(source: str) -> str:
    """The characters outside code spans as Markdown's text nodes hold them (escapes undone): what
    Streamlit searches after parsing for autolinks, emoji shortcodes and arrows."""
    return "".join(" " if kind == "code" else content for kind, content in _pieces(source))
