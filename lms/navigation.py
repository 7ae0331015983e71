"""The navigation each person sees, by role: only pages that exist and that they may open."""

from dataclasses import dataclass

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.activities.actions import learning_actions
from lms.inbox.services import badge_count
from lms.permissions import can_browse_people, has_reports, report_roots, sees_the_year
from lms.plans.actions import available_actions
from lms.rules import Action


@dataclass
class NavItem:
    endpoint: str
    label: str
    prefix: str
    badge: int = 0

    @property
    def active(self) -> bool:
        if self.prefix == "/":
            return request.path == "/"
        return request.path.startswith(self.prefix)


def nav_items() -> list[NavItem]:
    if g.get("database_down") or not current_user.is_authenticated:
        return []
    items = [
        NavItem("main.home", _l("Home"), "/"),
        NavItem("inbox.index", _l("Inbox"), "/inbox", badge_count(current_user)),
        NavItem("assessments.index", _l("Self-assessment"), "/assessment"),
        NavItem("plans.index", _l("My plan (IDP)"), "/plan"),
        NavItem("activities.index", _l("Learning log"), "/learning"),
        NavItem("courses.index", _l("Courses"), "/courses"),
    ]
    if has_reports(current_user):
        items.append(NavItem("people.my_team", _l("My team"), "/team"))
    if can_browse_people(current_user):
        items.append(NavItem("people.people_list", _l("People"), "/people"))
    if report_roots(current_user):
        items.append(NavItem("reports.index", _l("Reports"), "/reports"))
    if sees_the_year(current_user):
        items.append(NavItem("admin.cycles", _l("Administration"), "/admin"))
    return items


def plan_actions(plan, route=None) -> dict[str, Action]:
    """What the reader may do next with `plan`, and why not (once per plan and request): the
    templates show buttons from this, never from the plan's status."""
    memo = g.setdefault("_plan_actions", {})
    key = (plan.id, plan.status, plan.version) if plan is not None else None
    if key not in memo:
        memo[key] = available_actions(plan, current_user, route=route)
    return memo[key]


def activity_actions(activity, cycle, owner) -> dict[str, Action]:
    """What the reader may do next with `owner`'s learning `activity` (None: a new one)."""
    return learning_actions(activity, cycle, owner, by=current_user)


def register_navigation(app: Flask) -> None:
    app.jinja_env.globals["plan_actions"] = plan_actions
    app.jinja_env.globals["learning_actions"] = activity_actions

    @app.context_processor
    def _nav():
        return {"nav_items": nav_items}
