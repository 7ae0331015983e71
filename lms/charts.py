"""Chart builders: plain data in, a matplotlib Figure out (never pyplot), PNG bytes cached.

Every chart is drawn in the Sarabun font so that Thai renders, and every chart's numbers are
also shown as a table on the page that shows it.
"""

import io
import math
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

from lms.fonts import FONT_DIR, FONT_FAMILY

for _weight in ("Regular", "Bold", "SemiBold"):
    font_manager.fontManager.addfont(str(FONT_DIR / f"Sarabun-{_weight}.ttf"))

COLOURS = {"self": "#1d6fa5", "target": "#c2571a", "previous": "#7a8793", "grid": "#d5dbe1"}


def build_radar(
    labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[float | None, ...], str], ...],
    max_level: int = 4,
) -> Figure:
    """A radar chart: one axis per label, one line per (name, values, colour key) series."""
    fig = Figure(figsize=(8.0, 6.4), dpi=110)
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(math.pi / 2)  # first area at the top, then clockwise
    ax.set_theta_direction(-1)
    count = len(labels)
    angles = [2 * math.pi * i / count for i in range(count)]
    for name, values, colour_key in series:
        points = [(a, v) for a, v in zip(angles, values, strict=True) if v is not None]
        if not points:
            continue
        xs = [a for a, _ in points] + [points[0][0]]
        ys = [v for _, v in points] + [points[0][1]]
        style = "-" if colour_key == "self" else "--"
        ax.plot(xs, ys, style, color=COLOURS[colour_key], linewidth=2.2, label=name)
        if colour_key == "self":
            ax.fill(xs, ys, color=COLOURS[colour_key], alpha=0.15)
        ax.scatter(xs[:-1], ys[:-1], color=COLOURS[colour_key], s=22, zorder=3)
    ax.set_xticks(angles)
    ax.set_xticklabels([])
    for angle, label in zip(angles, labels, strict=True):
        # Labels sit outside the rim, aligned away from the centre so none is clipped.
        x = math.sin(angle)
        ha = "center" if abs(x) < 0.15 else ("left" if x > 0 else "right")
        ax.text(
            angle,
            max_level * 1.13,
            label,
            ha=ha,
            va="center",
            fontfamily=FONT_FAMILY,
            fontsize=11,
            color="#1f2a33",
        )
    ax.set_ylim(0, max_level)
    ax.set_yticks(range(0, max_level + 1))
    ax.set_yticklabels([str(i) for i in range(max_level + 1)], fontsize=8, color="#55606b")
    for tick in ax.get_yticklabels():
        tick.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1, "alpha": 0.85})
    ax.set_rlabel_position(180 / count)
    ax.grid(color=COLOURS["grid"])
    ax.spines["polar"].set_color(COLOURS["grid"])
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.06),
        ncol=len(series),
        frameon=False,
        prop={"family": FONT_FAMILY, "size": 11},
    )
    fig.subplots_adjust(left=0.25, right=0.75, top=0.9, bottom=0.12)
    return fig


def figure_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.15)
    return buffer.getvalue()


@lru_cache(maxsize=256)
def radar_png(
    labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[float | None, ...], str], ...],
    max_level: int = 4,
) -> bytes:
    """The radar chart as PNG bytes, cached on its data."""
    return figure_png(build_radar(labels, series, max_level))
