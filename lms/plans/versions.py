"""The difference between two kept versions of a plan, in words a reader follows.

Goals are matched by skill area (in order, when a plan has two goals on one area); planned
activities within a goal by type and title.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lms.models import PlanVersion


@dataclass
class GoalChange:
    area: str
    state: str  # added, removed, changed, same
    fields: list[tuple[str, object, object]] = field(default_factory=list)  # label, old, new
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, dict]] = field(default_factory=list)


GOAL_FIELDS = (
    ("current_level", _l("Level now")),
    ("target_level", _l("Target level")),
    ("success_criteria", _l("What success looks like")),
    ("support_needed", _l("Support I need")),
    ("due_on", _l("Due date")),
)


ACTIVITY_FIELDS = ("hours", "course_id", "starts_on", "ends_on")


def version_pair(
    kept: list[PlanVersion], a: int | None, b: int | None
) -> tuple[PlanVersion | None, PlanVersion | None]:
    """The two versions to compare: numbers `a` and `b` when kept, else the latest two."""
    by_number = {v.number: v for v in kept}
    if a in by_number and b in by_number and a != b:
        older, newer = sorted((by_number[a], by_number[b]), key=lambda v: v.number)
        return older, newer
    if len(kept) >= 2:
        return kept[-2], kept[-1]
    return (None, kept[-1]) if kept else (None, None)


def _readable(activity: dict) -> dict:
    """A kept activity with its hours and period as numbers and dates again, for display."""
    shown = dict(activity)
    if shown.get("hours") is not None:
        shown["hours"] = Decimal(shown["hours"])
    for name in ("starts_on", "ends_on"):
        if shown.get(name):
            shown[name] = date.fromisoformat(shown[name])
    return shown


def _key(activity: dict) -> tuple:
    return (activity.get("bucket"), (activity.get("title") or "").strip())


def _with_readable_activities(goal: dict) -> dict:
    return goal | {"activities": [_readable(a) for a in goal.get("activities", [])]}


def _pair_goals(old: list[dict], new: list[dict]):
    remaining = list(old)
    for goal in new:
        match = next((g for g in remaining if g["area"] == goal["area"]), None)
        if match is not None:
            remaining.remove(match)
        yield match, goal
    for goal in remaining:
        yield goal, None


def compare(older: PlanVersion, newer: PlanVersion, areas: dict) -> list[GoalChange]:
    """Goal by goal, what changed from `older` to `newer`."""
    changes = []
    old_goals = [_with_readable_activities(g) for g in older.snapshot.get("goals", [])]
    new_goals = [_with_readable_activities(g) for g in newer.snapshot.get("goals", [])]
    for old, new in _pair_goals(old_goals, new_goals):
        goal = new or old
        change = GoalChange(area=areas.get(goal["area"], goal["area"]), state="same")
        if old is None:
            change.state, change.added = "added", new["activities"]
        elif new is None:
            change.state, change.removed = "removed", old["activities"]
        else:
            change.fields = [
                (label, old.get(name), new.get(name))
                for name, label in GOAL_FIELDS
                if old.get(name) != new.get(name)
            ]
            before = {_key(a): a for a in old["activities"]}
            after = {_key(a): a for a in new["activities"]}
            change.added = [a for k, a in after.items() if k not in before]
            change.removed = [a for k, a in before.items() if k not in after]
            change.changed = [
                (before[k], a)
                for k, a in after.items()
                if k in before and any(before[k].get(f) != a.get(f) for f in ACTIVITY_FIELDS)
            ]
            if change.fields or change.added or change.removed or change.changed:
                change.state = "changed"
        changes.append(change)
    return changes
