"""The pages app.py registers with st.navigation, read from its source: each page's title, script, URL path and
who may open it. The AppTest smoke test and the browser tests both take their pages from here, so a page added
to app.py is covered without editing them."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AppPage:
    """One st.Page from app.py: its title, script and URL path ("" for the default page), and the `Actor`
    property a role must have to open it (`may_upload`, `is_dese`, `is_administrator`; None: everyone who may
    view)."""

    title: str
    script: str
    url_path: str
    needs: str | None = None

    @property
    def name(self) -> str:
        """A short id for test names and screenshot files: the script's stem (overview, upload, ...)."""
        return Path(self.script).stem


def _who_may_open(node: ast.expr | None) -> str | None:
    """`lambda a: a.is_dese` -> "is_dese"; None (or no rule) -> None."""
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return None
    if isinstance(node, ast.Lambda) and isinstance(node.body, ast.Attribute):
        return node.body.attr
    raise ValueError(f"app.py line {node.lineno}: a page's rule is not `lambda a: a.<property>`")


def _page_rules(tree: ast.Module) -> dict[tuple[int, int], str | None]:
    """For each `(st.Page(...), rule)` pair in app.py's page list, the st.Page call's place -> its rule."""
    return {
        (node.elts[0].lineno, node.elts[0].col_offset): _who_may_open(node.elts[1])
        for node in ast.walk(tree)
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and _is_page_call(node.elts[0])
    }


def _is_page_call(node: ast.AST) -> bool:
    """`st.Page(...)`, or `app_page(...)` (ui/layout.py: st.Page made once per process, copied each run)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == "Page") or (
        isinstance(func, ast.Name) and func.id == "app_page"
    )


def _url_path(stem: str, kwargs: dict[str, ast.expr]) -> str:
    """The URL path Streamlit gives a page."""
    if "default" in kwargs and ast.literal_eval(kwargs["default"]) is True:
        return ""
    if "url_path" in kwargs:
        return ast.literal_eval(kwargs["url_path"]).strip("/")
    return re.sub(
        r"^[0-9]+[_ -]*", "", stem
    )  # Streamlit drops a leading sort number ("01_overview" -> "overview")


def app_pages(app_py: Path = ROOT / "app.py") -> list[AppPage]:
    """Every `st.Page(...)` / `app_page(...)` call in app.py, in source order, with the URL path Streamlit gives it."""
    tree = ast.parse(app_py.read_text(encoding="utf-8"))
    rules = _page_rules(tree)
    calls = [node for node in ast.walk(tree) if _is_page_call(node)]
    pages = []
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
        kwargs = {k.arg: k.value for k in call.keywords if k.arg}
        script_node = call.args[0] if call.args else kwargs.get("page")
        if not isinstance(script_node, ast.Constant) or not isinstance(script_node.value, str):
            continue  # a page made of a function (app.py's refusal of a page a role may not open)
        script = script_node.value
        stem = Path(script).stem
        title = ast.literal_eval(kwargs["title"]) if "title" in kwargs else stem.replace("_", " ")
        pages.append(
            AppPage(title, script, _url_path(stem, kwargs), rules.get((call.lineno, call.col_offset)))
        )
    if not pages:
        raise ValueError("no st.Page(...) found in app.py")
    return pages


PAGES = app_pages()


def page_by_name(name: str) -> AppPage:
    """The page whose script is app_pages/<name>.py."""
    for page in PAGES:
        if page.name == name:
            return page
    raise LookupError(f"app.py registers no page app_pages/{name}.py")
