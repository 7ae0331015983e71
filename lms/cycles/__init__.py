"""Assessment cycles: `services` (Thai fiscal years, the open cycle; creating one, its deadlines,
opening and closing it)
and `targets` (each role group's target per skill area, the cycle's areas and the tracks they
serve; HR changing them, with the framework's default and a reason where they differ).
Callers import from here."""

from lms.cycles.services import (
    DEADLINES,
    CycleError,
    change_deadlines,
    close_cycle,
    create_cycle,
    cycle_by_year,
    cycle_or_404,
    default_deadlines,
    fiscal_be_year,
    fiscal_year_bounds,
    frozen_until,
    in_closed_year,
    new_cycle,
    open_cycle,
    open_for_people,
    open_past_their_end,
)
from lms.cycles.targets import (
    TargetCell,
    TargetsError,
    area_tracks,
    change_targets,
    cycle_areas,
    scale_levels,
    target_table,
    targets_for,
    targets_version,
)

__all__ = [
    "DEADLINES",
    "CycleError",
    "TargetCell",
    "TargetsError",
    "area_tracks",
    "change_deadlines",
    "change_targets",
    "close_cycle",
    "create_cycle",
    "cycle_areas",
    "cycle_by_year",
    "cycle_or_404",
    "default_deadlines",
    "fiscal_be_year",
    "fiscal_year_bounds",
    "frozen_until",
    "in_closed_year",
    "new_cycle",
    "open_cycle",
    "open_for_people",
    "open_past_their_end",
    "scale_levels",
    "target_table",
    "targets_for",
    "targets_version",
]
