"""What a report request asks for (unit, cycle, role group or track), checked the same way for
the pages, the exports and the API: unknown or out-of-scope unit and unknown cycle are 404, an
unknown role group or track, or a role group outside the track asked for, is 400."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.cycles import cycle_by_year, open_cycle
from lms.extensions import db
from lms.models import Cycle, Person, RoleGroup, Track, Unit
from lms.permissions import can_view_unit


class ReportNotFound(LookupError):
    """The unit or cycle does not exist, or the unit is outside the viewer's scope."""

    status = 404

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


class ReportBadRequest(ReportNotFound):
    status = 400


@dataclass(frozen=True)
class ReportSubject:
    unit: Unit
    cycle: Cycle
    role_group: RoleGroup | None
    track: Track | None = None  # the BMA plan's track: the people of its role groups

    def query(self, **extra) -> dict:
        """The query-string arguments that name this subject (for links)."""
        args = {"cycle": self.cycle.be_year}
        if self.role_group is not None:
            args["role_group"] = self.role_group.code
        if self.track is not None:
            args["track"] = self.track.code
        return args | extra


def default_cycle() -> Cycle | None:
    """The open cycle, else the latest one."""
    return open_cycle() or db.session.scalars(select(Cycle).order_by(Cycle.be_year.desc())).first()


def report_subject(
    viewer: Person,
    code: str,
    cycle_year: str | None,
    role_group: str | None,
    track: str | None = None,
) -> ReportSubject:
    unit = db.session.scalars(select(Unit).where(Unit.code == code)).first()
    if unit is None or not can_view_unit(viewer, unit):
        raise ReportNotFound(
            "unit_not_found",
            _l("There is no unit %(code)s among the units you may see.", code=code),
        )
    if cycle_year in (None, ""):
        cycle = default_cycle()
    else:
        year = (
            int(cycle_year)
            if cycle_year.isascii() and cycle_year.isdigit() and len(cycle_year) == 4
            else None
        )
        cycle = cycle_by_year(year) if year else None
    if cycle is None:
        raise ReportNotFound(
            "cycle_not_found",
            _l("There is no assessment cycle for fiscal year %(year)s.", year=cycle_year or "–"),
        )
    group = None
    if role_group not in (None, ""):
        group = db.session.scalars(select(RoleGroup).where(RoleGroup.code == role_group)).first()
        if group is None:
            raise ReportBadRequest(
                "role_group_unknown", _l("There is no role group %(code)s.", code=role_group)
            )
    chosen_track = None
    if track not in (None, ""):
        chosen_track = db.session.scalars(select(Track).where(Track.code == track)).first()
        if chosen_track is None:
            raise ReportBadRequest("track_unknown", _l("There is no track %(code)s.", code=track))
        if group is not None and group.track_id != chosen_track.id:
            raise ReportBadRequest(
                "role_group_outside_track",
                _l(
                    "Role group %(group)s is not in track %(track)s: choose one of the two.",
                    group=group.code,
                    track=chosen_track.code,
                ),
            )
    return ReportSubject(unit, cycle, group, chosen_track)


def tracks() -> list[Track]:
    return list(db.session.scalars(select(Track).order_by(Track.code)))


def role_groups() -> list[RoleGroup]:
    return list(db.session.scalars(select(RoleGroup).order_by(RoleGroup.position, RoleGroup.id)))


def cycles() -> list[Cycle]:
    return list(db.session.scalars(select(Cycle).order_by(Cycle.be_year.desc())))
