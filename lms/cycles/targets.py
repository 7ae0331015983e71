"""What a cycle asks of each role group: the target level per skill area, the areas of its
framework, and which of the BMA plan's tracks each area serves."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.models import (
    Cycle,
    CycleTarget,
    RoleGroup,
    SkillArea,
    Track,
)


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
