"""Published reference points (data/reference_points.toml), shown beside the data with their sources."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd

from analytics.definitions import parse_school_year
from analytics.paths import DATA_DIR

REFERENCE_FILE = DATA_DIR / "reference_points.toml"


def load_reference_points(path: str | Path = REFERENCE_FILE) -> pd.DataFrame:
    """group, school_year, share, label, source: one row per published figure."""
    with open(path, "rb") as f:
        points = tomllib.load(f).get("point", [])
    frame = pd.DataFrame(points, columns=["group", "school_year", "share", "label", "source"])
    frame["school_year"] = frame["school_year"].map(parse_school_year)
    return frame
