"""Where the report's drawn charts are kept (EXPORT_DIR/charts, one file per chart and key of
its data), read and tidied, without loading the drawing library: the command line tidies them
and a chart request reads them."""

import time
from datetime import timedelta
from pathlib import Path

from flask import current_app


def chart_path(code: str, name: str, key: str) -> Path:
    """Where a drawn chart is kept for every worker and after restarts (EXPORT_DIR/charts)."""
    return Path(current_app.config["EXPORT_DIR"]) / "charts" / f"{code}-{name}-{key}.png"


def spec_path(code: str, name: str, key: str) -> Path:
    """Where the data of a chart the page named but nobody drew yet is kept (JSON): a chart
    request then draws from it without computing the report."""
    return chart_path(code, name, key).with_suffix(".json")


def kept_chart(code: str, name: str, key: str) -> bytes | None:
    path = chart_path(code, name, key)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def old_charts(*, older_than: timedelta = timedelta(days=2)) -> list[Path]:
    """Kept chart pictures (and their data) not written for `older_than`: each change of a
    report's figures draws new ones under new keys, so the old ones are removed (by `flask lms
    clean-uploads`, nightly); a picture still wanted is simply drawn again."""
    folder = Path(current_app.config["EXPORT_DIR"]) / "charts"
    cutoff = time.time() - older_than.total_seconds()
    return [
        p
        for pattern in ("*.png", "*.json")
        for p in folder.glob(pattern)
        if p.stat().st_mtime < cutoff
    ]
