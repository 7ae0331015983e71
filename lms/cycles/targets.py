"""What a cycle asks of each role group: the target level per skill area, the areas of its
framework, and which of the BMA plan's tracks each area serves; HR changing a cycle's targets,
with the framework's default and its confidence beside each, and a reason where they differ."""

import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db
from lms.models import (
    Cycle,
    CycleTarget,
    CycleTargetNote,
    FrameworkTarget,
    Person,
    RoleGroup,
    ScaleLevel,
    SkillArea,
    Track,
)
from lms.rules import CHANGED_MEANWHILE, RuleError


def targets_for(cycle: Cycle, role_group: RoleGroup | int) -> dict[int, int]:
    """Target level per skill-area id for a role group (or its id) in a cycle."""
    group_id = role_group if isinstance(role_group, int) else role_group.id
    rows = db.session.execute(
        select(CycleTarget.area_id, CycleTarget.level).where(
            CycleTarget.cycle_id == cycle.id, CycleTarget.role_group_id == group_id
        )
    )
    return {area_id: level for area_id, level in rows}


def area_tracks(cycle: Cycle) -> dict[int, list[Track]]:
    """The BMA plan's tracks each skill area serves in a cycle, per area id.

    An area serves a track when a role group of the track has a target for it in the cycle."""
    rows = db.session.execute(
        select(CycleTarget.area_id, Track)
        .join(RoleGroup, RoleGroup.id == CycleTarget.role_group_id)
        .join(Track, Track.id == RoleGroup.track_id)
        .where(CycleTarget.cycle_id == cycle.id)
        .distinct()
        .order_by(CycleTarget.area_id, Track.code)
    )
    served: dict[int, list[Track]] = {}
    for area_id, track in rows:
        served.setdefault(area_id, []).append(track)
    return served


def cycle_areas(cycle: Cycle, *, with_sub_skills: bool = False) -> list[SkillArea]:
    """The skill areas of the cycle's framework, in order (with their sub-skills if asked)."""
    query = (
        select(SkillArea)
        .where(SkillArea.framework_id == cycle.framework_id)
        .order_by(SkillArea.position)
    )
    if with_sub_skills:
        query = query.options(selectinload(SkillArea.sub_skills))
    return list(db.session.scalars(query))


# -- HR sets a cycle's targets -------------------------------------------------------------------

REASON_LENGTH = 1000


class TargetsError(RuleError):
    """A cycle's targets cannot be changed as asked (`field_errors` name the areas' fields)."""


@dataclass
class TargetCell:
    """One skill area for one role group in a cycle: its target (None: the area does not apply
    to the group), the framework's default beside it with how sure that default is, and HR's
    reason when the two differ."""

    area: SkillArea
    level: int | None
    default: int | None
    confidence: str | None
    reason: str | None = None

    @property
    def departs(self) -> bool:
        return self.level != self.default


def target_table(cycle: Cycle) -> dict[int, list[TargetCell]]:
    """Every role group's cells in a cycle, by role-group id, areas in framework order."""
    areas = cycle_areas(cycle)
    levels = {
        (group_id, area_id): level
        for group_id, area_id, level in db.session.execute(
            select(CycleTarget.role_group_id, CycleTarget.area_id, CycleTarget.level).where(
                CycleTarget.cycle_id == cycle.id
            )
        )
    }
    defaults = {
        (t.role_group_id, t.area_id): t
        for t in db.session.scalars(
            select(FrameworkTarget).where(FrameworkTarget.framework_id == cycle.framework_id)
        )
    }
    reasons = {
        (n.role_group_id, n.area_id): n.reason
        for n in db.session.scalars(
            select(CycleTargetNote).where(CycleTargetNote.cycle_id == cycle.id)
        )
    }
    table: dict[int, list[TargetCell]] = {}
    for group_id in db.session.scalars(select(RoleGroup.id).order_by(RoleGroup.position)):
        cells = table[group_id] = []
        for area in areas:
            key = (group_id, area.id)
            default = defaults.get(key)
            cells.append(
                TargetCell(
                    area=area,
                    level=levels.get(key),
                    default=default.level if default else None,
                    confidence=default.confidence if default else None,
                    reason=reasons.get(key),
                )
            )
    return table


def targets_version(cells: list[TargetCell]) -> str:
    """A short fingerprint of a role group's targets and reasons as a form showed them: a save
    made from an older page is refused instead of undoing someone else's change."""
    seen = "|".join(f"{c.area.code}:{c.level}:{c.reason or ''}" for c in cells)
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def scale_levels(cycle: Cycle) -> list[int]:
    """The levels of the cycle's framework's scale, lowest first."""
    return list(
        db.session.scalars(
            select(ScaleLevel.level)
            .where(ScaleLevel.framework_id == cycle.framework_id)
            .order_by(ScaleLevel.level)
        )
    )


def change_targets(
    cycle: Cycle,
    group: RoleGroup,
    levels: dict[str, int | None],
    reasons: dict[str, str],
    *,
    version: str | None,
    by: Person | None,
) -> dict[str, list]:
    """HR sets `group`'s targets in `cycle`, by area code (None: the area does not apply to the
    group). Where a target is changed away from the framework's default, `reasons` says why
    (required; a departure made before, e.g. by a command, is not asked for one again).
    Returns what changed by area code ([before, after]); the caller's commit brings the reports
    along (a web request defers the cycle's rebuild: reports.tasks.rebuilt_later)."""
    if cycle.is_closed:
        raise TargetsError(
            _l(
                "Fiscal year %(year)d is closed: its targets and figures stay as they were.",
                year=cycle.be_year,
            )
        )
    # one change of a cycle's targets at a time (the queued rebuild takes the same lock)
    db.session.execute(select(Cycle.id).where(Cycle.id == cycle.id).with_for_update())
    cells = target_table(cycle)[group.id]
    if version is not None and version != targets_version(cells):
        raise TargetsError(CHANGED_MEANWHILE)
    by_code = {c.area.code: c for c in cells}
    scale = scale_levels(cycle)
    errors: dict[str, object] = {}
    for code in set(levels) | set(reasons):
        if code not in by_code:
            errors[f"level-{code}"] = _l(
                "The framework of this year has no area %(code)s.", code=code
            )
    wanted: dict[str, tuple[int | None, str | None]] = {}
    for code, cell in by_code.items():
        level = levels.get(code, cell.level)
        reason = " ".join((reasons.get(code, cell.reason or "") or "").split()) or None
        if level is not None and level not in scale:
            errors[f"level-{code}"] = _l(
                "Choose a level of the scale, %(low)d to %(high)d.", low=scale[0], high=scale[-1]
            )
            continue
        if level != cell.default and level != cell.level and not reason:
            errors[f"reason-{code}"] = _l(
                "This differs from the framework's default (OCSC/TPQI): say why, for the "
                "people who read the reports."
            )
        elif reason and len(reason) > REASON_LENGTH:
            errors[f"reason-{code}"] = _l("At most %(num)d characters.", num=REASON_LENGTH)
        wanted[code] = (level, reason if level != cell.default else None)
    if errors:
        raise TargetsError(
            _l("Please check the highlighted answers. Nothing was saved yet."), errors
        )
    changed: dict[str, list] = {}
    explained: dict[str, str] = {}
    for code, (level, reason) in wanted.items():
        cell = by_code[code]
        if level != cell.level:
            changed[code] = [cell.level, level]
            _set_target(cycle, group, cell.area, level)
        if reason != cell.reason:
            _set_reason(cycle, group, cell.area, reason, by)
            if reason:
                explained[code] = reason
    if changed or explained:
        audit(
            "cycle_targets_changed",
            by,
            cycle,
            cycle=cycle.be_year,
            role_group=group.code,
            changed=changed,
            reasons=explained,
        )
    db.session.flush()
    return changed


def _set_target(cycle: Cycle, group: RoleGroup, area: SkillArea, level: int | None) -> None:
    row = db.session.scalars(
        select(CycleTarget).filter_by(cycle_id=cycle.id, role_group_id=group.id, area_id=area.id)
    ).first()
    if level is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(
            CycleTarget(cycle_id=cycle.id, role_group_id=group.id, area_id=area.id, level=level)
        )
    else:
        row.level = level


def _set_reason(
    cycle: Cycle, group: RoleGroup, area: SkillArea, reason: str | None, by: Person | None
) -> None:
    note = db.session.scalars(
        select(CycleTargetNote).filter_by(
            cycle_id=cycle.id, role_group_id=group.id, area_id=area.id
        )
    ).first()
    if reason is None:
        if note is not None:
            db.session.delete(note)
    elif note is None:
        db.session.add(
            CycleTargetNote(
                cycle_id=cycle.id,
                role_group_id=group.id,
                area_id=area.id,
                reason=reason,
                changed_by_id=by.id if by else None,
            )
        )
    else:
        note.reason = reason
        note.changed_by_id = by.id if by else None
        note.changed_at = utcnow()
