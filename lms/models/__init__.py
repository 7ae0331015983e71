"""The domain model (PRODUCT.md section 3), one module per aggregate."""

from lms.models.account import AccountToken
from lms.models.activity import ActivityKind, EvidenceFile, LearningActivity
from lms.models.assessment import Rating, SelfAssessment, SubSkillRating, SupervisorRating
from lms.models.audit import ApiToken, AuditEvent
from lms.models.course import Course, CourseArea, CourseTrack, Provider
from lms.models.cycle import Cycle, CycleTarget, CycleTargetNote
from lms.models.delegation import Delegation
from lms.models.feedback import FeedbackMessage, FeedbackThread, Notification
from lms.models.framework import (
    Framework,
    FrameworkTarget,
    RoleGroup,
    ScaleLevel,
    SkillArea,
    SubSkill,
    Track,
)
from lms.models.interchange import Completion, XapiClient, XapiStatement
from lms.models.job import Job, SystemState
from lms.models.lines import CircleInLine, TeamCount
from lms.models.org import Unit
from lms.models.person import (
    Person,
    RoleAssignment,
    UnitMembership,
    gone,
    new_session_token,
    search_key_of,
    still_here,
)
from lms.models.plan import (
    Goal,
    Plan,
    PlannedActivity,
    PlanTemplate,
    PlanVersion,
    TemplateActivity,
    TemplateGoal,
)
from lms.models.report import (
    ALL_GROUPS,
    ReportArea,
    ReportHours,
    ReportPerson,
    ReportState,
    ReportUnit,
    ReportUnitArea,
)

__all__ = [
    "ALL_GROUPS",
    "AccountToken",
    "ActivityKind",
    "ApiToken",
    "AuditEvent",
    "CircleInLine",
    "Completion",
    "Course",
    "CourseArea",
    "CourseTrack",
    "Cycle",
    "CycleTarget",
    "CycleTargetNote",
    "Delegation",
    "EvidenceFile",
    "FeedbackMessage",
    "FeedbackThread",
    "Framework",
    "FrameworkTarget",
    "Goal",
    "Job",
    "LearningActivity",
    "Notification",
    "Person",
    "Plan",
    "PlanTemplate",
    "PlanVersion",
    "PlannedActivity",
    "Provider",
    "Rating",
    "ReportArea",
    "ReportHours",
    "ReportPerson",
    "ReportState",
    "ReportUnit",
    "ReportUnitArea",
    "RoleAssignment",
    "RoleGroup",
    "ScaleLevel",
    "SelfAssessment",
    "SkillArea",
    "SubSkill",
    "SubSkillRating",
    "SupervisorRating",
    "SystemState",
    "TeamCount",
    "TemplateActivity",
    "TemplateGoal",
    "Track",
    "Unit",
    "UnitMembership",
    "XapiClient",
    "XapiStatement",
    "gone",
    "new_session_token",
    "search_key_of",
    "still_here",
]
