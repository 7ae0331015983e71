"""Who may see and change what: the one place it is decided.

- everyone sees and changes their own data (while the cycle is open): `changes`;
- a supervisor sees their direct and indirect reports; HR and executives see the people and
  units of the subtrees they are assigned; admins see everything: `people`;
- who administers the year (cycles) and, from day one, units, people and accounts: `admin`;
- who reviews whose plan — the route, the predicate and "whose plans wait for me" in SQL side
  by side, with delegations, people who left and the top of a line: `reviews`.

Views, services and templates ask these predicates; the SQL scopes answer the same questions
for lists (tests check the two agree on generated organisations).
"""

from lms.permissions.admin import (
    invites_in,
    manages_account_of,
    may_pick_people,
    organisation_of,
    runs_the_year,
    sees_the_year,
)
from lms.permissions.changes import (
    can_edit_learning,
    can_edit_plan,
    cycle_accepts_changes,
    plan_accepts_edits,
)
from lms.permissions.people import (
    MAX_CHAIN,
    above,
    below_query,
    can_browse_people,
    can_view_evidence,
    can_view_person,
    can_view_plan,
    can_view_unit,
    delegations_known,
    delegator_ids,
    has_reports,
    hr_covers,
    is_admin,
    is_here,
    is_owner,
    per_request,
    report_roots,
    reports,
    reports_query,
    reviews_as_delegate,
    running_delegations,
    scope_units,
    supervises,
    visible_people_query,
)
from lms.permissions.reviews import (
    Line,
    Route,
    at_top_query,
    can_review_plan,
    can_review_plans_of,
    covered_by_hr,
    escalated_to_query,
    escalation_route,
    hr_of,
    line_of,
    may_change_supervisor,
    may_evaluate,
    review_route,
    reviewable_query,
    reviews_anyone,
    waiting_for_query,
)

__all__ = [
    "MAX_CHAIN",
    "Line",
    "Route",
    "above",
    "at_top_query",
    "below_query",
    "can_browse_people",
    "can_edit_learning",
    "can_edit_plan",
    "can_review_plan",
    "can_review_plans_of",
    "can_view_evidence",
    "can_view_person",
    "can_view_plan",
    "can_view_unit",
    "covered_by_hr",
    "cycle_accepts_changes",
    "delegations_known",
    "delegator_ids",
    "escalated_to_query",
    "escalation_route",
    "has_reports",
    "hr_covers",
    "hr_of",
    "invites_in",
    "is_admin",
    "is_here",
    "is_owner",
    "line_of",
    "manages_account_of",
    "may_change_supervisor",
    "may_evaluate",
    "may_pick_people",
    "organisation_of",
    "per_request",
    "plan_accepts_edits",
    "report_roots",
    "reports",
    "reports_query",
    "review_route",
    "reviewable_query",
    "reviews_anyone",
    "reviews_as_delegate",
    "running_delegations",
    "runs_the_year",
    "scope_units",
    "sees_the_year",
    "supervises",
    "visible_people_query",
    "waiting_for_query",
]
