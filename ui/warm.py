"""The views visitors start from, computed before they ask: at start-up and whenever the data changes (a save,
review, rollback, restore or release on this server, or on another sharing the warehouse), in a thread of its
own, off every visitor's path.

What is warmed is what the pages draw (ui.layout.registered, shared by every session): every chart in the
statewide default view, where nearly every visitor starts, as a visitor who has not signed in sees it (released
figures) and as DESE staff see it (current figures); then each region's and each type's view as visitors see
it; then the statewide views that start at a later school year. Nothing else is computed here: the same
functions, through the same shared cache, so a warmed view is exactly the one a visitor gets. A view that was
not warmed (another range of years, one organization's profile) is computed when its first visitor asks, then
shared. A visitor who asks for a view while it is being warmed waits
for that work instead of repeating it.
"""

from __future__ import annotations

import logging
import threading
import time

from streamlit import runtime

from analytics import chart_registry, definitions, releases, sections
from analytics.equity import leader_gaps
from analytics.goals import GapGoal
from analytics.metrics import Filters, organizations_overview
from analytics.settings import load_settings
from ui.data import WRITTEN, call, data_stamp, goals, sample_data_loaded, shared_call
from ui.layout import default_view, drawn, registered

log = logging.getLogger("dashboard")
POLL_SECONDS = 2.0  # how often the warming thread looks for a change made by another server or command
THREAD = "warm views"
_started = threading.Lock()
_thread: threading.Thread | None = None


def start() -> None:
    """Start this process's warming thread, once, in a Streamlit server (ui/serve.py as it starts, app.py at a
    page view; in AppTest too), where the settings allow it (warm_views)."""
    global _thread
    if not runtime.exists() or not load_settings().warm_views:
        return
    with _started:
        if _thread is None:
            _thread = threading.Thread(target=_keep_warm, name=THREAD, daemon=True)
            _thread.start()


class _NoContextNeeded(logging.Filter):
    """Streamlit warns of a thread without a script run's context each time its caches are used from one; the
    warming thread has none on purpose (it belongs to no session)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return threading.current_thread().name != THREAD


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_NoContextNeeded())


def _keep_warm() -> None:
    warmed = None  # the data stamp last warmed
    while True:
        try:
            stamp = data_stamp()
            if stamp != warmed:
                started = time.perf_counter()
                views = warm(stamp)
                if views is not None:
                    warmed = stamp
                    log.info("warmed %d chart views in %.1f s", views, time.perf_counter() - started)
                # Look again at once: the data may have changed while warming (an upload, then its release),
                # and a visitor should not find the views of the newest data waiting for the next look.
                continue
        except Exception:  # a warehouse busy or being replaced: the next look tries again
            log.exception("warming the default views failed")
        WRITTEN.wait(POLL_SECONDS)  # a write on this server: warm at once, not at the next look
        WRITTEN.clear()


def views() -> list[Filters]:
    """The views warmed, in order: statewide for visitors and for DESE staff, then each region's and each
    type's for visitors, then the statewide views one move of the slider's first handle away (from each
    later school year to the same last one: the years since a policy, a baseline, the pandemic)."""
    public = default_view(released=True)
    years = (public.year_from, public.year_to)
    later = definitions.school_years_between(*years)[1:-1] if public.year_from and public.year_to else []
    return [
        public,
        default_view(released=False),
        *(Filters(*years, (region,), (), released=True) for region in definitions.REGIONS),
        *(Filters(*years, (), (kind,), released=True) for kind in definitions.ORG_TYPES),
        *(Filters(first, public.year_to, released=True) for first in later),
    ]


def warm(stamp: tuple | None = None) -> int | None:
    """Compute every chart of every warmed view into the shared cache, with what a page hands Streamlit for
    it (ui.layout.drawn), and the pages' other shared figures; how many chart views were computed. None where
    the data changed from `stamp` (ui.data.data_stamp) meanwhile: the rest is left, as it would be warmed
    for data already replaced."""
    every_goal = goals()
    measures = {
        chart_registry.measure_key(key) for g in every_goal if isinstance(g, GapGoal) for key in g.measures
    }
    done = 0
    for filters in views():
        if stamp is not None and data_stamp() != stamp:
            return None
        for goal in every_goal:  # the Overview's cards and charts
            drawn(registered(goal.chart, filters, compact=True))
        for chart in chart_registry.every_chart(every_goal):
            options = {"include_not_comparable": False} if chart.key in measures else {}
            drawn(registered(chart.key, filters, **options))
            done += 1
        if every_goal.superintendents is not None:  # as the pages ask for them (app_pages/)
            shared_call(sections.goal_trend, every_goal.superintendents, filters)
        shared_call(sections.fellows_outcomes, filters)
        call(organizations_overview, filters)
        call(leader_gaps, filters)
    sample_data_loaded()  # what every page asks besides its view: the sample-data notice, the release's date
    call(releases.latest_release)
    return done
