"""The report's figures as plain objects (PRODUCT.md section 5), built from additive totals.

The page, the charts, the exports and the API all read these; nothing else computes a rate.
Rates are fractions in [0, 1]; where nothing is counted, counts are 0 and rates and averages
are None (shown as "–").
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _

from lms.reports.rows import AREA_COLUMNS, HOURS_COLUMNS, PEOPLE_COLUMNS
from lms.vocab import BUCKETS

TOP_GAPS = 3


class _Totals:
    """Additive sums that read from a grouped row and add or subtract one another."""

    COLUMNS: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row):
        values = row._mapping
        return cls(**{name: cls._number(values[name], name) for name in cls.COLUMNS})

    @staticmethod
    def _number(value, _name: str):
        return int(value or 0)

    def add(self, other, sign: int = 1) -> None:
        for name in self.COLUMNS:
            setattr(self, name, getattr(self, name) + sign * getattr(other, name))


@dataclass
class PeopleTotals(_Totals):
    """Additive counts of people and learning (the columns of `report_units`)."""

    COLUMNS = PEOPLE_COLUMNS

    headcount: int = 0
    self_assessed: int = 0
    idp_submitted: int = 0
    idp_approved: int = 0
    idp_completed: int = 0
    developing: int = 0
    activities: int = 0
    hours_70: Decimal = Decimal(0)
    hours_20: Decimal = Decimal(0)
    hours_10: Decimal = Decimal(0)
    courses_completed: int = 0
    self_evaluated: int = 0
    evaluated: int = 0
    goals_evaluated: int = 0
    goals_achieved: int = 0
    goals_partly: int = 0
    goals_not_achieved: int = 0
    verified: int = 0
    verified_activities: int = 0
    applied_at_work: int = 0
    applied_activities: int = 0
    verified_hours: Decimal = Decimal(0)

    @staticmethod
    def _number(value, name: str):
        if name in HOURS_COLUMNS:
            return Decimal(value or 0).quantize(Decimal("0.1"))
        return int(value or 0)


@dataclass
class AreaTotals(_Totals):
    """Additive sums over one skill area (the columns of `report_unit_areas`)."""

    COLUMNS = AREA_COLUMNS

    assessed: int = 0
    level_sum: int = 0
    target_sum: int = 0
    gap_sum: int = 0
    meeting: int = 0
    supervisor_rated: int = 0
    supervisor_sum: int = 0
    both_rated: int = 0
    difference_sum: int = 0


# People by their logged hours in the cycle (PRODUCT.md section 5): each band's name and its
# bounds in tenths of an hour, from (inclusive) and below (exclusive; None: no end). "1-11" is
# more than nothing and less than 12 hours, so half an hour counts there.
HOUR_BANDS = (("0", 0, 1), ("1-11", 1, 120), ("12-29", 120, 300), ("30+", 300, None))


def band_labels() -> dict[str, str]:
    """Each band of hours per person as the reader reads it (its bounds said plainly)."""
    return {
        "0": _("No hours"),
        "1-11": _("Under 12 hours"),
        "12-29": _("12 to under 30 hours"),
        "30+": _("30 hours or more"),
    }


@dataclass(frozen=True)
class HoursSpread:
    """People by hours logged in the cycle: per band, and the median (None: nobody)."""

    bands: dict[str, int] = field(default_factory=lambda: {n: 0 for n, _a, _b in HOUR_BANDS})
    median: float | None = None

    @classmethod
    def of(cls, histogram: dict[int, int]) -> "HoursSpread":
        """From {hours in tenths: people}: the bands and the exact median (the middle value,
        or the mean of the two middle values)."""
        bands = {
            name: sum(n for t, n in histogram.items() if low <= t and (high is None or t < high))
            for name, low, high in HOUR_BANDS
        }
        total = sum(histogram.values())
        if not total:
            return cls(bands)
        lower = upper = None
        seen = 0
        for tenths in sorted(histogram):
            seen += histogram[tenths]
            if lower is None and 2 * seen >= total:
                lower = tenths
            if 2 * seen > total:
                upper = tenths
                break
        return cls(bands, (lower + upper) / 20)

    def as_dict(self) -> dict:
        return {"hours_bands": dict(self.bands), "median_hours": self.median}


NOT_READ = HoursSpread({}, None)  # hours per person not read (a page that does not show them)


@dataclass(frozen=True)
class AreaInfo:
    """A skill area as reports name it."""

    id: int
    code: str
    name_th: str
    name_en: str | None
    short_th: str | None
    short_en: str | None

    def name(self, locale: str = "th") -> str:
        return (self.name_en if locale == "en" else None) or self.name_th

    def short_name(self, locale: str = "th") -> str:
        if locale == "en":
            return self.short_en or self.name_en or self.code
        return self.short_th or self.name_th


@dataclass(frozen=True)
class AreaFigures:
    area: AreaInfo
    assessed: int
    avg_level: float | None
    avg_target: float | None
    avg_gap: float | None
    meeting_target: int
    meeting_target_rate: float | None
    supervisor_rated: int
    supervisor_avg_level: float | None
    self_minus_supervisor: float | None

    def as_dict(self) -> dict:
        return {
            "name_th": self.area.name_th,
            "name_en": self.area.name_en,
            "assessed": self.assessed,
            "avg_level": self.avg_level,
            "avg_target": self.avg_target,
            "avg_gap": self.avg_gap,
            "meeting_target": self.meeting_target,
            "meeting_target_rate": self.meeting_target_rate,
            "supervisor_rated": self.supervisor_rated,
            "supervisor_avg_level": self.supervisor_avg_level,
            "self_minus_supervisor": self.self_minus_supervisor,
        }


@dataclass(frozen=True)
class Figures:
    """Section 5's figures for one population (a unit subtree, optionally one role group)."""

    headcount: int
    self_assessed: int
    self_assessed_rate: float | None
    idp_submitted: int
    idp_submitted_rate: float | None
    idp_approved: int
    idp_approved_rate: float | None
    idp_completed: int
    idp_completed_rate: float | None
    developing: int
    developing_rate: float | None
    activities: int
    hours: float
    hours_by_bucket: dict[str, float]
    mix: dict[str, float] | None
    courses_completed: int
    skills: dict[str, AreaFigures]
    readiness: float | None
    self_evaluated: int = 0
    self_evaluated_rate: float | None = None
    evaluated: int = 0
    evaluated_rate: float | None = None
    goals_evaluated: int = 0
    goals_achieved: int = 0
    goals_partly: int = 0
    goals_not_achieved: int = 0
    goals_achieved_rate: float | None = None  # over goals_evaluated
    verified: int = 0
    verified_rate: float | None = None
    applied_at_work: int = 0
    applied_at_work_rate: float | None = None
    verified_hours: float = 0.0
    hours_bands: dict[str, int] = field(default_factory=lambda: HoursSpread().bands)
    median_hours: float | None = None
    top_gaps: list[str] = field(default_factory=list)  # area codes, the largest average gap first
    top_gaps_tied: bool = False  # an area left out of top_gaps ties with the last one shown

    YEAR_END = (
        "self_evaluated",
        "self_evaluated_rate",
        "evaluated",
        "evaluated_rate",
        "goals_evaluated",
        "goals_achieved",
        "goals_partly",
        "goals_not_achieved",
        "goals_achieved_rate",
        "verified",
        "verified_rate",
        "applied_at_work",
        "applied_at_work_rate",
        "verified_hours",
    )

    def as_dict(self) -> dict:
        """The JSON of the report API (keys as PRODUCT.md names them)."""
        data = {
            name: getattr(self, name)
            for name in (
                "headcount",
                "self_assessed",
                "self_assessed_rate",
                "idp_submitted",
                "idp_submitted_rate",
                "idp_approved",
                "idp_approved_rate",
                "idp_completed",
                "idp_completed_rate",
                "developing",
                "developing_rate",
                "activities",
                "hours",
                "hours_by_bucket",
                "mix",
                "courses_completed",
                "readiness",
                *self.YEAR_END,
                "hours_bands",
                "median_hours",
                "top_gaps",
                "top_gaps_tied",
            )
        }
        data["skills"] = {code: area.as_dict() for code, area in self.skills.items()}
        return data


def ratio(part: float, whole: float) -> float | None:
    """part / whole, or None when nothing is counted."""
    return part / whole if whole else None


def build_figures(
    people: PeopleTotals,
    areas: dict[int, AreaTotals],
    area_infos: list[AreaInfo],
    spread: HoursSpread | None = None,
) -> Figures:
    """Figures from totals; `area_infos` (in framework order) names every area reported;
    `spread` the people by hours (None only where nobody logged any)."""
    head = people.headcount
    if spread is None:
        if people.activities:
            raise ValueError("hours per person need the people by hours (HoursSpread)")
        spread = HoursSpread.of({0: head} if head else {})
    by_bucket = {
        "70": float(people.hours_70),
        "20": float(people.hours_20),
        "10": float(people.hours_10),
    }
    hours = float(people.hours_70 + people.hours_20 + people.hours_10)
    mix = {b: by_bucket[b] / hours for b in BUCKETS} if hours else None
    skills = {
        info.code: _area_figures(info, areas.get(info.id, AreaTotals())) for info in area_infos
    }
    assessed = sum(a.assessed for a in skills.values())
    meeting = sum(a.meeting_target for a in skills.values())
    top, tied = _top_gaps(areas, area_infos)
    return Figures(
        headcount=head,
        self_assessed=people.self_assessed,
        self_assessed_rate=ratio(people.self_assessed, head),
        idp_submitted=people.idp_submitted,
        idp_submitted_rate=ratio(people.idp_submitted, head),
        idp_approved=people.idp_approved,
        idp_approved_rate=ratio(people.idp_approved, head),
        idp_completed=people.idp_completed,
        idp_completed_rate=ratio(people.idp_completed, head),
        developing=people.developing,
        developing_rate=ratio(people.developing, head),
        activities=people.activities,
        hours=hours,
        hours_by_bucket=by_bucket,
        mix=mix,
        courses_completed=people.courses_completed,
        skills=skills,
        readiness=ratio(meeting, assessed),
        self_evaluated=people.self_evaluated,
        self_evaluated_rate=ratio(people.self_evaluated, head),
        evaluated=people.evaluated,
        evaluated_rate=ratio(people.evaluated, head),
        goals_evaluated=people.goals_evaluated,
        goals_achieved=people.goals_achieved,
        goals_partly=people.goals_partly,
        goals_not_achieved=people.goals_not_achieved,
        goals_achieved_rate=ratio(people.goals_achieved, people.goals_evaluated),
        verified=people.verified,
        verified_rate=ratio(people.verified, head),
        applied_at_work=people.applied_at_work,
        applied_at_work_rate=ratio(people.applied_at_work, head),
        verified_hours=float(people.verified_hours),
        hours_bands=dict(spread.bands),
        median_hours=spread.median,
        top_gaps=top,
        top_gaps_tied=tied,
    )


def _top_gaps(areas: dict[int, AreaTotals], area_infos: list[AreaInfo]) -> tuple[list[str], bool]:
    """Up to TOP_GAPS areas with a positive average gap, largest first (ties in framework
    order), and whether an area left out ties with the last one shown. Compared as exact
    fractions (gap_sum / assessed), so that 1/3 and 2/6 tie."""
    gaps = []
    for position, info in enumerate(area_infos):
        t = areas.get(info.id)
        if t is not None and t.assessed and t.gap_sum > 0:
            gaps.append((Fraction(t.gap_sum, t.assessed), position, info.code))
    gaps.sort(key=lambda g: (-g[0], g[1]))
    shown = gaps[:TOP_GAPS]
    tied = len(gaps) > TOP_GAPS and gaps[TOP_GAPS][0] == shown[-1][0]
    return [code for _gap, _position, code in shown], tied


def _area_figures(info: AreaInfo, t: AreaTotals) -> AreaFigures:
    return AreaFigures(
        area=info,
        assessed=t.assessed,
        avg_level=ratio(t.level_sum, t.assessed),
        avg_target=ratio(t.target_sum, t.assessed),
        avg_gap=ratio(t.gap_sum, t.assessed),
        meeting_target=t.meeting,
        meeting_target_rate=ratio(t.meeting, t.assessed),
        supervisor_rated=t.supervisor_rated,
        supervisor_avg_level=ratio(t.supervisor_sum, t.supervisor_rated),
        self_minus_supervisor=ratio(t.difference_sum, t.both_rated),
    )
