"""`python -m ui.serve [flags]`: `streamlit run app.py [flags]`, with the default views warmed as the server
starts (ui/warm.py) instead of when its first visitor arrives. `make run` and the README's services use it;
`streamlit run app.py` still works, and warms at its first page view."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from streamlit import runtime
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def _warm_once_up() -> None:
    """Once Streamlit's runtime is up (the app's caches are the runtime's), start the warming thread."""
    while not runtime.exists():
        time.sleep(0.1)
    from ui import warm  # (imported now: its caches are made in the runtime's storage)

    warm.start()


def main(argv: list[str] | None = None) -> int:
    threading.Thread(target=_warm_once_up, name="warm at start-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main())
