"""Assessment cycles: `services` (Thai fiscal years, the open cycle, creating and closing one)
and `targets` (each role group's target per skill area, the cycle's areas and the tracks they
serve). Callers import from here."""

from lms.cycles.services import (
    CycleError,
    close_cycle,
    create_cycle,
    cycle_by_year,
    cycle_or_404,
    fiscal_be_year,
    fiscal_year_bounds,
    open_cycle,
)
from lms.cycles.targets import area_tracks, cycle_areas, targets_for

__all__ = [
    "CycleError",
    "area_tracks",
    "close_cycle",
    "create_cycle",
    "cycle_areas",
    "cycle_by_year",
    "cycle_or_404",
    "fiscal_be_year",
    "fiscal_year_bounds",
    "open_cycle",
    "targets_for",
]
