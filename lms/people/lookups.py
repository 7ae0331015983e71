"""What pages look up by address, for the person viewing: someone they may not see answers
exactly like someone who does not exist (404), and a draft plan stays private."""

from flask import abort

from lms.cycles import cycle_or_404
from lms.models import Cycle, Person, Plan
from lms.people.services import person_by_employee_no
from lms.permissions import can_view_person, can_view_plan
from lms.plans.services import find_plan


def visible_person_or_404(viewer: Person, employee_no: str) -> Person:
    person = person_by_employee_no(employee_no)
    if person is None or not can_view_person(viewer, person):
        abort(404)
    return person


def visible_plan_or_404(viewer: Person, person: Person, be_year: int) -> tuple[Cycle, Plan]:
    cycle = cycle_or_404(be_year)
    plan = find_plan(person, cycle)
    if plan is None or not can_view_plan(viewer, plan):
        abort(404)  # a draft is private until it is sent
    return cycle, plan
