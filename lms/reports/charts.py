"""The unit report's charts: plain tuples in, a matplotlib Figure out, PNG bytes cached on the
data. Labels arrive translated; every chart's numbers are also a table on the page.

None stands for "nothing counted" and is drawn as an empty (hatched) cell or a missing bar,
never as zero.
"""

from functools import lru_cache

from matplotlib.colors import LinearSegmentedColormap, Normalize, TwoSlopeNorm
from matplotlib.figure import Figure

from lms.charts import COLOURS, figure_png
from lms.fonts import FONT_FAMILY
from lms.i18n import percent_shown

BUCKET_COLOURS = ("#1d6fa5", "#3fa27a", "#e0a526")  # 70, 20, 10
MEETING = LinearSegmentedColormap.from_list("meeting", ["#fbeee6", "#f4c38a", "#6fb28c", "#1f7a4d"])
DIFFERENCE = LinearSegmentedColormap.from_list("difference", ["#2e6fb0", "#f7f7f7", "#c2571a"])
TEXT = "#1f2a33"
MUTED = "#55606b"


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=110)
    fig.set_layout_engine("constrained")
    return fig


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=12, colors=TEXT)  # readable at the page's width, not zoomed
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontfamily(FONT_FAMILY)


@lru_cache(maxsize=128)
def funnel_png(steps: tuple[tuple[str, int], ...], headcount: int, percent_label: str) -> bytes:
    """Horizontal bars, one per step of the cycle (assessed → ... → completed)."""
    fig = _figure(6.0, 0.6 * len(steps) + 1.0)  # shown beside its table: about 450 px
    ax = fig.add_subplot()
    names = [name for name, _ in steps][::-1]
    values = [value for _, value in steps][::-1]
    ax.barh(names, values, color=COLOURS["self"], height=0.6)
    top = max([headcount, *values, 1])
    for y, value in enumerate(values):
        _count_label(ax, value + top * 0.01, y, value, headcount, va="center")
    ax.set_xlim(0, top * 1.22)
    ax.set_xlabel(percent_label, fontfamily=FONT_FAMILY, color=MUTED)
    _style(ax)
    return figure_png(fig)


@lru_cache(maxsize=128)
def hours_bands_png(
    bands: tuple[tuple[str, int], ...], headcount: int, people_label: str, median: str
) -> bytes:
    """Columns of people by hours logged in the year (one per band), each with its count and
    share of headcount, and the median written above."""
    fig = _figure(6.0, 3.6)
    ax = fig.add_subplot()
    names = [_two_lines(name) for name, _ in bands]
    values = [value for _, value in bands]
    ax.bar(names, values, color=COLOURS["self"], width=0.6)
    top = max([*values, 1])
    for x, value in enumerate(values):
        _count_label(ax, x, value + top * 0.02, value, headcount, ha="center")
    ax.set_ylim(0, top * 1.2)
    ax.set_ylabel(people_label, fontfamily=FONT_FAMILY, color=MUTED)
    if median:
        ax.set_title(median, fontfamily=FONT_FAMILY, fontsize=12, color=TEXT, loc="left")
    _style(ax)
    return figure_png(fig)


def _count_label(ax, x: float, y: float, people: int, headcount: int, **where) -> None:
    """A bar's "people (share of headcount)", the share as the page's tables show it."""
    share = f"{percent_shown(people / headcount)}%" if headcount else "–"
    ax.text(x, y, f"{people:,} ({share})", fontsize=11, fontfamily=FONT_FAMILY, color=TEXT, **where)


def _two_lines(label: str) -> str:
    """A long label broken at the space nearest its middle (Thai words have none inside), so
    that labels side by side never run into each other."""
    spaces = [i for i, ch in enumerate(label) if ch == " "]
    if len(label) < 14 or not spaces:
        return label
    middle = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return label[:middle] + "\n" + label[middle + 1 :]


def _heatmap(
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    values: tuple[tuple[float | None, ...], ...],
    *,
    cmap,
    norm,
    fmt,
    legend: str,
    light_text=lambda value: False,
) -> bytes:
    fig = _figure(1.2 * len(columns) + 3.4, 0.6 * len(rows) + 2.0)
    ax = fig.add_subplot()
    grid = [[float("nan") if v is None else v for v in row] for row in values]
    image = ax.imshow(grid, cmap=cmap, norm=norm, aspect="auto")
    ax.set_facecolor("#eef1f4")
    ax.set_xticks(range(len(columns)), labels=columns, rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), labels=rows)
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            text = "–" if value is None else fmt(value)
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=11,
                fontfamily=FONT_FAMILY,
                color=TEXT,
            )
    _style(ax)
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label(legend, fontfamily=FONT_FAMILY)
    return figure_png(fig)


@lru_cache(maxsize=128)
def meeting_heatmap_png(
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    values: tuple[tuple[float | None, ...], ...],
    legend: str,
) -> bytes:
    """Child unit × skill area: the share meeting the target (0-1)."""
    return _heatmap(
        rows,
        columns,
        values,
        cmap=MEETING,
        norm=Normalize(0, 1),
        fmt=lambda v: f"{v:.0%}",
        legend=legend,
        light_text=lambda v: v >= 0.75,
    )


@lru_cache(maxsize=128)
def difference_heatmap_png(
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    values: tuple[tuple[float | None, ...], ...],
    legend: str,
) -> bytes:
    """Child unit × skill area: self minus supervisor, centred on agreement (0)."""
    norm = TwoSlopeNorm(vmin=-2, vcenter=0, vmax=2)
    return _heatmap(
        rows,
        columns,
        values,
        cmap=DIFFERENCE,
        norm=norm,
        fmt=lambda v: f"{v:+.1f}",
        legend=legend,
        light_text=lambda v: abs(v) >= 1.4,
    )


@lru_cache(maxsize=128)
def mix_bars_png(
    rows: tuple[str, ...],
    mixes: tuple[tuple[float, float, float] | None, ...],
    bucket_labels: tuple[str, str, str],
    ideal_label: str,
    none_label: str,
) -> bytes:
    """100% stacked bars of 70:20:10 hours per child unit, with the 70 and 90 marks."""
    fig = _figure(7.0, 0.5 * len(rows) + 1.6)
    ax = fig.add_subplot()
    names = list(rows)[::-1]
    data = list(mixes)[::-1]
    for y, mix in enumerate(data):
        if mix is None:
            ax.text(
                0.01, y, none_label, va="center", fontsize=11, fontfamily=FONT_FAMILY, color=MUTED
            )
            continue
        left = 0.0
        for share, colour in zip(mix, BUCKET_COLOURS, strict=True):
            ax.barh(y, share, left=left, color=colour, height=0.6)
            if share >= 0.07:
                ax.text(
                    left + share / 2,
                    y,
                    f"{share:.0%}",
                    ha="center",
                    va="center",
                    fontsize=11,
                    color="white",
                    fontfamily=FONT_FAMILY,
                )
            left += share
    ax.set_yticks(range(len(names)), labels=names)
    for mark in (0.7, 0.9):
        ax.axvline(mark, color=TEXT, linestyle=":", linewidth=1)
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.7, 0.9, 1], labels=["0", "25%", "50%", "70", "90", "100%"])
    handles = [
        ax.bar(0, 0, color=c, label=label)
        for c, label in zip(BUCKET_COLOURS, bucket_labels, strict=True)
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=3,
        frameon=False,
        prop={"family": FONT_FAMILY, "size": 11},
        title=ideal_label,
        title_fontproperties={"family": FONT_FAMILY, "size": 11},
    )
    _style(ax)
    return figure_png(fig)


@lru_cache(maxsize=128)
def trend_png(
    names: tuple[str, ...],
    previous: tuple[float | None, ...],
    current: tuple[float | None, ...],
    series: tuple[str, str],
) -> bytes:
    """Grouped horizontal bars: each indicator's rate in the previous cycle and this one. The
    indicators' names stand on the left, one a line, so that long Thai names never overlap."""
    fig = _figure(7.0, 0.75 * len(names) + 1.3)
    ax = fig.add_subplot()
    height = 0.38
    rows = list(range(len(names)))[::-1]  # the first indicator on top
    for offset, values, colour, label in (
        (height / 2, previous, COLOURS["previous"], series[0]),
        (-height / 2, current, COLOURS["self"], series[1]),
    ):
        ys = [row + offset for row, v in zip(rows, values, strict=True) if v is not None]
        xs = [v for v in values if v is not None]
        ax.barh(ys, xs, height=height, color=colour, label=label)
        for x, y in zip(xs, ys, strict=True):
            ax.text(
                x + 0.01,
                y,
                f"{percent_shown(x)}%",
                va="center",
                fontsize=11,
                fontfamily=FONT_FAMILY,
                color=TEXT,
            )
    ax.set_yticks(rows, labels=names)
    ax.set_xlim(0, 1.12)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], labels=["0", "25%", "50%", "75%", "100%"])
    ax.legend(
        frameon=False,
        prop={"family": FONT_FAMILY, "size": 11},
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=2,
    )
    _style(ax)
    return figure_png(fig)
