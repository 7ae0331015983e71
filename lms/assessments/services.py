"""Rules of the self-assessment: drafts, saving an area, submitting, results and history."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from lms import permissions
from lms.clock import utcnow
from lms.cycles import cycle_areas, targets_for
from lms.extensions import db
from lms.models import (
    Cycle,
    Person,
    Rating,
    SelfAssessment,
    SkillArea,
    SubSkillRating,
)
from lms.models.common import LEVEL_MAX, LEVEL_MIN
from lms.rules import Action, RuleError
from lms.vocab import AssessmentStatus


class AssessmentError(RuleError):
    """The self-assessment cannot be changed as asked."""


@dataclass
class AreaResult:
    """One row of the results table: the person's level against their target."""

    area: SkillArea
    level: int | None
    target: int | None
    justification: str | None = None
    sub_levels: list[tuple[str, int | None]] = field(default_factory=list)

    @property
    def gap(self) -> int | None:
        if self.level is None or self.target is None:
            return None
        return max(self.target - self.level, 0)

    @property
    def meets_target(self) -> bool:
        return self.level is not None and self.target is not None and self.level >= self.target


def find_assessment(person: Person, cycle: Cycle) -> SelfAssessment | None:
    """The person's assessment in `cycle` with its ratings (sub-skill ratings load on use)."""
    return (
        db.session.scalars(
            select(SelfAssessment)
            .where(SelfAssessment.person_id == person.id, SelfAssessment.cycle_id == cycle.id)
            .options(joinedload(SelfAssessment.ratings))
        )
        .unique()
        .first()
    )


def _why_not_editable(assessment: SelfAssessment | None, cycle: Cycle, by: Person, owner: Person):
    if not permissions.is_owner(by, owner.id):
        return _l("Only the person themselves can fill in a self-assessment.")
    if cycle.is_closed:
        return _l("This cycle is closed, so the self-assessment can no longer change.")
    if not permissions.cycle_accepts_changes(cycle):
        return _l("This cycle is not open yet. HR opens it at the start.")
    if assessment is not None and assessment.is_submitted:
        return _l("This self-assessment is already submitted and cannot change any more.")
    return None


def _check_editable(assessment: SelfAssessment | None, cycle: Cycle, by: Person, owner: Person):
    reason = _why_not_editable(assessment, cycle, by, owner)
    if reason is not None:
        raise AssessmentError(reason)


def assessment_actions(
    assessment: SelfAssessment | None, cycle: Cycle, owner: Person, *, by: Person
) -> dict[str, Action]:
    """What `by` may do next with `owner`'s self-assessment of `cycle` (None: not started):
    `rate` an area, `submit` it — each allowed, or with the reason it is not."""
    reason = _why_not_editable(assessment, cycle, by, owner)
    if reason is not None:
        return {"rate": Action("rate", reason=reason), "submit": Action("submit", reason=reason)}
    missing = missing_areas(assessment) if assessment is not None else cycle_areas(cycle)
    submit = Action("submit", allowed=not missing, missing=missing)
    if missing:
        submit.reason = _l(
            "Please rate every skill area before you submit. %(count)d still to rate.",
            count=len(missing),
        )
    return {"rate": Action("rate", allowed=True), "submit": submit}


def start_assessment(person: Person, cycle: Cycle, *, by: Person) -> SelfAssessment:
    """The person's draft in `cycle`, created on first use."""
    assessment = find_assessment(person, cycle)
    if assessment is not None:
        return assessment
    _check_editable(None, cycle, by, person)
    assessment = SelfAssessment(person=person, cycle=cycle, role_group_id=person.role_group_id)
    db.session.add(assessment)
    db.session.flush()
    return assessment


def validate_level(value, label="level") -> int | None:
    """An integer on the scale, None for 'not rated', or AssessmentError."""
    if value in (None, ""):
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = None
    if level is None or not LEVEL_MIN <= level <= LEVEL_MAX:
        raise AssessmentError(
            _l("Please choose a level from %(low)d to %(high)d.", low=LEVEL_MIN, high=LEVEL_MAX),
            {
                label: str(
                    _l("Choose a level from %(low)d to %(high)d.", low=LEVEL_MIN, high=LEVEL_MAX)
                )
            },
        )
    return level


def save_area(
    assessment: SelfAssessment,
    area: SkillArea,
    *,
    level,
    justification: str | None,
    sub_levels: dict[int, object] | None = None,
    by: Person,
) -> Rating:
    """Save the draft rating of one area (and its sub-skills); nothing is saved on error."""
    _check_editable(assessment, assessment.cycle, by, assessment.person)
    if area.framework_id != assessment.cycle.framework_id:
        raise AssessmentError(_l("This skill area is not part of the cycle's framework."))
    clean_level = validate_level(level)
    clean_subs = {}
    valid_sub_ids = {s.id for s in area.sub_skills}
    for sub_id, value in (sub_levels or {}).items():
        if sub_id not in valid_sub_ids:
            raise AssessmentError(_l("This sub-skill is not part of the skill area."))
        clean_subs[sub_id] = validate_level(value, f"sub_{sub_id}")
    text = (justification or "").strip() or None
    if text and len(text) > 2000:
        raise AssessmentError(
            _l("Please keep the explanation under 2,000 characters."),
            {"justification": str(_l("At most 2,000 characters."))},
        )

    rating = next((r for r in assessment.ratings if r.area_id == area.id), None)
    if rating is None:
        rating = Rating(area_id=area.id)
        assessment.ratings.append(rating)
    rating.level = clean_level
    rating.justification = text
    subs = {s.sub_skill_id: s for s in assessment.sub_ratings}
    for sub_id, value in clean_subs.items():
        existing = subs.get(sub_id)
        if value is None:
            if existing is not None:  # cleared: the optional sub-skill is unrated again
                assessment.sub_ratings.remove(existing)
        elif existing is not None:
            existing.level = value
        else:
            assessment.sub_ratings.append(SubSkillRating(sub_skill_id=sub_id, level=value))
    assessment.updated_at = utcnow()
    flag_modified(assessment, "updated_at")  # a new version even within the same instant
    db.session.flush()
    return rating


def rated_area_ids(assessment: SelfAssessment | None) -> set[int]:
    if assessment is None:
        return set()
    return {r.area_id for r in assessment.ratings if r.level is not None}


def missing_areas(assessment: SelfAssessment) -> list[SkillArea]:
    """Areas of the cycle still without a level."""
    rated = rated_area_ids(assessment)
    return [a for a in cycle_areas(assessment.cycle) if a.id not in rated]


def submit_assessment(assessment: SelfAssessment, *, by: Person) -> SelfAssessment:
    """Lock the assessment; every area must have a level."""
    submit = assessment_actions(assessment, assessment.cycle, assessment.person, by=by)["submit"]
    if not submit:
        raise AssessmentError(submit.reason)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = utcnow()
    assessment.role_group_id = assessment.person.role_group_id
    db.session.flush()
    return assessment


def results(
    assessment: SelfAssessment,
    *,
    areas: list[SkillArea] | None = None,
    detail: bool = False,
) -> list[AreaResult]:
    """Level, target and gap per area, in the framework's order; with `detail`, the sub-skill
    levels too. Pass the cycle's `areas` when the caller has them already."""
    targets = targets_for(assessment.cycle, assessment.role_group_id)
    ratings = {r.area_id: r for r in assessment.ratings}
    if detail or areas is None:
        areas = cycle_areas(assessment.cycle, with_sub_skills=detail)
    sub_levels = {s.sub_skill_id: s.level for s in assessment.sub_ratings} if detail else {}
    rows = []
    for area in areas:
        rating = ratings.get(area.id)
        rows.append(
            AreaResult(
                area=area,
                level=rating.level if rating else None,
                target=targets.get(area.id),
                justification=rating.justification if rating else None,
                sub_levels=(
                    [(s.code, sub_levels.get(s.id)) for s in area.sub_skills] if detail else []
                ),
            )
        )
    return rows


def top_gaps(rows: list[AreaResult], limit: int = 3) -> list[AreaResult]:
    """The areas furthest below target, largest gap first."""
    gaps = [r for r in rows if r.gap]
    return sorted(gaps, key=lambda r: (-r.gap, r.area.position))[:limit]


def _submitted_by(person: Person):
    """The person's submitted assessments, newest cycle first (a query to refine)."""
    return (
        select(SelfAssessment)
        .join(SelfAssessment.cycle)
        .where(
            SelfAssessment.person_id == person.id,
            SelfAssessment.status == AssessmentStatus.SUBMITTED,
        )
        .order_by(Cycle.be_year.desc())
    )


def latest_submitted(person: Person) -> SelfAssessment | None:
    """The person's submitted assessment of the latest cycle, with its cycle and ratings."""
    return (
        db.session.scalars(
            _submitted_by(person)
            .limit(1)
            .options(
                joinedload(SelfAssessment.cycle).joinedload(Cycle.framework),
                joinedload(SelfAssessment.ratings),
            )
        )
        .unique()
        .first()
    )


def has_submitted(person: Person) -> bool:
    """Has the person ever submitted a self-assessment (so a plan can be built from gaps)?"""
    first = _submitted_by(person).with_only_columns(SelfAssessment.id).limit(1)
    return db.session.scalar(first) is not None


def submitted_history(person: Person) -> list[SelfAssessment]:
    """The person's submitted assessments, newest cycle first."""
    return list(db.session.scalars(_submitted_by(person)))


def levels_by_area_code(assessment: SelfAssessment) -> dict[str, int | None]:
    """The assessment's levels keyed by area code (comparable across frameworks)."""
    return {r.area.code: r.level for r in assessment.ratings}


def previous_submitted(assessment: SelfAssessment) -> SelfAssessment | None:
    """The person's latest submitted assessment of an earlier cycle."""
    return db.session.scalars(
        select(SelfAssessment)
        .join(SelfAssessment.cycle)
        .where(
            SelfAssessment.person_id == assessment.person_id,
            SelfAssessment.status == AssessmentStatus.SUBMITTED,
            Cycle.be_year < assessment.cycle.be_year,
        )
        .order_by(Cycle.be_year.desc())
    ).first()
