"""The product's words as enums, with their labels: statuses, 70:20:10 buckets, outcomes, roles.

Models, services and templates name a status through these enums, never through a string
literal of their own. The values are what the database stores (and its CHECK constraints allow).
"""

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext


class PlanStatus(StrEnum):
    """The life of an IDP; `lms.plans.workflow` is the only writer of `Plan.status`."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    COMPLETED = "completed"


# The owner may change the plan's content in these states.
PLAN_EDITABLE = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED})
# Sent to the supervisor (and so visible to them): waiting, approved or done.
PLAN_SENT = frozenset({PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.COMPLETED})
PLAN_REVIEWED = frozenset({PlanStatus.APPROVED, PlanStatus.COMPLETED})


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class CycleStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


class Bucket(StrEnum):
    """The three parts of 70:20:10 learning."""

    ON_THE_JOB = "70"
    FROM_OTHERS = "20"
    FORMAL = "10"


BUCKETS = tuple(b.value for b in Bucket)  # ("70", "20", "10"), the order shown everywhere
BUCKET_LABELS = {
    Bucket.ON_THE_JOB: _l("70 · learning on the job"),
    Bucket.FROM_OTHERS: _l("20 · learning from others"),
    Bucket.FORMAL: _l("10 · formal learning"),
}
IDEAL_MIX = {Bucket.ON_THE_JOB: 0.70, Bucket.FROM_OTHERS: 0.20, Bucket.FORMAL: 0.10}


class Outcome(StrEnum):
    """How far a goal was achieved at the end of the cycle."""

    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_ACHIEVED = "not_achieved"


class Role(StrEnum):
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    HR = "hr"
    EXECUTIVE = "executive"
    ADMIN = "admin"


SCOPED_ROLES = (Role.HR, Role.EXECUTIVE)  # roles that cover a unit subtree

# What a status badge says; "none" is a step not started (no row yet).
STATUS_LABELS = {
    "none": _l("Not started"),
    PlanStatus.DRAFT: lazy_pgettext("plan status", "Draft"),  # ร่าง
    PlanStatus.SUBMITTED: lazy_pgettext("plan status", "Submitted"),  # a plan is put up: เสนอ
    PlanStatus.RETURNED: _l("Returned"),
    PlanStatus.APPROVED: _l("Approved"),
    PlanStatus.COMPLETED: _l("Completed"),
    CycleStatus.OPEN: _l("Open"),
    CycleStatus.CLOSED: _l("Closed"),
    CycleStatus.PLANNED: lazy_pgettext("cycle status", "Planned"),
}


# A self-assessment is handed in (ส่ง), where a plan is put up to the supervisor (เสนอ).
ASSESSMENT_LABELS = {AssessmentStatus.SUBMITTED: lazy_pgettext("assessment status", "Submitted")}


def status_label(status: str | None, kind: str = "plan") -> str:
    """The badge text of a plan (or cycle) status, or with kind="assessment" of a
    self-assessment's."""
    if kind == "assessment" and status in ASSESSMENT_LABELS:
        return str(ASSESSMENT_LABELS[status])
    return str(STATUS_LABELS.get(status or "none", status))


def sql_in(column: str, values, *, nullable: bool = False) -> str:
    """A CHECK expression allowing only `values` in `column` (the text the migrations hold)."""
    allowed = ", ".join(f"'{v}'" for v in values)
    check = f"{column} IN ({allowed})"
    return f"{column} IS NULL OR {check}" if nullable else check
