"""Influence 100 workforce-diversity goals dashboard: `streamlit run app.py` (or `make run`)."""

import streamlit as st

from analytics.access import Actor
from analytics.goals import GoalsFileError
from analytics.trouble import WarehouseUnavailable
from ui import auth, warm
from ui.data import begin_run, goals, warehouse
from ui.layout import app_page, keep_filters_in_address, page_styles, sample_banner
from ui.present import present, presenting
from ui.text import plain

st.set_page_config(
    page_title="Workforce diversity goals · DESE",
    page_icon=":material/diversity_3:",
    layout="wide",
    initial_sidebar_state="expanded",
)

# Pages live in app_pages/, not pages/: Streamlit 1.67 treats a pages/ folder beside the entrypoint as an
# old-style multipage app until st.navigation has run once in the process, so a bookmarked link opened first
# after a restart would run its page alone (no navigation, no page config, no sample-data notice).
# One flat list: Streamlit's grouped navigation nests a <div> in the nav's <ul>, which screen readers
# trip over (axe: list/listitem, serious).
# Each page with who may open it (None: everyone who may view). analytics/access.py decides every write again,
# whatever a page shows. No icons: a screen reader read each one's name before the page's ("trending_up
# Superintendents"), and the titles say enough.
PAGES = [
    (app_page("app_pages/overview.py", title="Overview", default=True), None),
    (app_page("app_pages/superintendents.py", title="Superintendents"), None),
    (app_page("app_pages/fellows.py", title="Fellows"), None),
    (app_page("app_pages/districts.py", title="Districts"), None),
    (app_page("app_pages/students.py", title="Students' experience"), None),
    (app_page("app_pages/workforce.py", title="Workforce"), None),
    (app_page("app_pages/equity_leaders.py", title="Equity leaders"), None),
    (app_page("app_pages/upload.py", title="Upload"), lambda a: a.may_upload),
    (app_page("app_pages/export.py", title="Export"), None),
    (app_page("app_pages/audit.py", title="Audit"), lambda a: a.is_dese),
    (
        app_page("app_pages/access.py", title="Access"),
        lambda a: a.is_administrator,
    ),
    (app_page("app_pages/about.py", title="About"), None),
]


def refused(title: str):
    """A page someone's role may not open, reached by a direct link: said so, nothing of it shown, and the
    attempt in the audit log (once per browser session)."""

    def page() -> None:
        st.title(title)
        if auth.configured() and not session.signed_in:
            why = f"The {title} page needs a role: sign in first."
        else:
            why = (
                f"Your sign-in may not open the {title} page. Ask DESE's dashboard administrators if you "
                "need it."
            )
        st.warning(why, icon=":material/lock:")
        auth.record_refusal(
            session.actor, f"the {title} page, opened by its address: {why}", once=("page", title)
        )

    return page


def pages_for(actor: Actor) -> list:
    """The pages in the navigation for `actor`; the others are hidden, and refuse a direct link."""
    return [
        page
        if may_open is None or may_open(actor)
        else st.Page(refused(page.title), title=page.title, url_path=page.url_path, visibility="hidden")
        for page, may_open in PAGES
    ]


try:
    warehouse()
    begin_run()  # the data version, read once for this page view
    warm.start()  # the default views computed before visitors ask (once per process)
except (
    WarehouseUnavailable
) as unavailable:  # busy, damaged or read-only: said plainly, never a bare error box
    st.title("The dashboard cannot open its data just now")
    st.error(plain(unavailable.trouble.what), icon=":material/database_off:")
    st.info(plain(unavailable.trouble.todo), icon=":material/build:")
    st.stop()
try:
    goals()
except GoalsFileError as problem:  # said plainly, with where to fix it, never a bare error box
    st.title("The dashboard cannot read its goals")
    st.error(plain(f"The goals file has a problem: {problem}"), icon=":material/flag:")
    st.info(
        "Fix the value it names in the goals file (README: Goals) and reload the page.",
        icon=":material/build:",
    )
    st.stop()
session = auth.session()
auth.remember(session)
auth.record_sign_in(session)
if session.actor is None:
    auth.sidebar(session)
    st.title("Workforce diversity goals")
    if session.notice:
        auth.notice(session)
    else:
        st.info(session.refusal, icon=":material/lock:")
        if not session.signed_in and (elsewhere := auth.sign_in_address()) is not None:
            auth.wrong_address(elsewhere)  # signing in here would come back silently signed out
    st.stop()
page = st.navigation(pages_for(session.actor), position="hidden" if presenting() else "sidebar")
keep_filters_in_address()
page_styles()
if presenting():  # ?present=1: the deck's charts one at a time (ui/present.py), whichever page is open
    present()
    st.stop()
sample_banner(may_upload=session.actor.is_dese)  # what to do about it: roll the sample back, DESE's alone
auth.notice(session)  # a sign-in that is refused or over: why, and "Sign in again"
try:
    page.run()
finally:  # who is signed in, at the foot of the sidebar (below a page's filters), even on a page that stops
    auth.sidebar(session)
