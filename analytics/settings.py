"""Deployment settings, read from data/settings.toml (DESE edits that file, not code), each overridable by an
environment variable for one deployment."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analytics.warehouse import PROJECT_ROOT

SETTINGS_FILE = PROJECT_ROOT / "data" / "settings.toml"


@dataclass(frozen=True)
class Settings:
    # A statewide (or region / type) figure for a school year is complete when the organizations that
    # reported cover at least this share of those expected; a year below it is partial.
    complete_share: float = 0.95


class SettingsFileError(ValueError):
    """settings.toml holds a value that makes no sense."""


@cache
def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    """The settings file's values (defaults where it is silent), then the environment's overrides."""
    raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    coverage = raw.get("coverage", {})
    share = float(os.environ.get("DASHBOARD_COMPLETE_SHARE", coverage.get("complete_share", 0.95)))
    if not 0 < share <= 1:
        raise SettingsFileError(
            f"coverage.complete_share must be a fraction above 0 and at most 1, not {share}"
        )
    return Settings(complete_share=share)
