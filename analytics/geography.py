"""Where organizations are, for the map: Massachusetts' outline and county lines, each town's centre point,
and each organization's town. All of it is data the project carries (data/README.md says where it comes
from); nothing is fetched, so the map draws offline and sends no visitor's browser to a third party."""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd

from analytics.paths import DATA_DIR

BOUNDARIES_FILE = DATA_DIR / "ma_boundaries.geojson"
TOWNS_FILE = DATA_DIR / "ma_towns.csv"
ORGANIZATION_TOWNS_FILE = DATA_DIR / "organization_towns.csv"
# Organizations in one town (Boston's charter schools) are set around its centre point, this far apart (in
# degrees of latitude), so that each can be seen and hovered.
SPREAD = 0.018


@cache
def outlines() -> tuple[tuple[str, str, tuple[np.ndarray, ...]], ...]:
    """(name, 'state' | 'county', rings) for the state and each county; a ring is an array of (longitude,
    latitude) rows."""
    shapes = json.loads(BOUNDARIES_FILE.read_text())["features"]
    out = []
    for feature in shapes:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        rings = tuple(np.asarray(ring, dtype=float) for polygon in polygons for ring in polygon)
        kind = "state" if feature["properties"].get("kind") == "state" else "county"
        out.append((feature["properties"]["name"], kind, rings))
    return tuple(out)


@cache
def _town_places() -> pd.DataFrame:
    towns = pd.read_csv(TOWNS_FILE)
    places = pd.read_csv(ORGANIZATION_TOWNS_FILE, dtype=str, keep_default_na=False)
    places = places.merge(towns, on="town", how="left")
    return places[["org_code", "town", "latitude", "longitude"]]


def place(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (with org_code) with each organization's town, latitude and longitude: empty where the project
    has no town for it (the statewide virtual schools, a collaborative, an organization new to the
    dashboard). Organizations sharing a town are set in a small circle around its centre."""
    out = frame.merge(_town_places(), on="org_code", how="left")
    out["town"] = out["town"].replace("", np.nan)
    placed = out["latitude"].notna()
    order = out[placed].groupby("town").cumcount()
    size = out[placed].groupby("town")["org_code"].transform("size")
    angle = 2 * np.pi * order / size.clip(lower=1)
    radius = np.where(size > 1, SPREAD * np.sqrt(size / 4).clip(lower=1), 0.0)
    out.loc[placed, "latitude"] += radius * np.sin(angle)
    out.loc[placed, "longitude"] += radius * np.cos(angle) / np.cos(np.radians(42.2))
    return out
