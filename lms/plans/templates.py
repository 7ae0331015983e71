"""IDP templates: HR's goals by skill area for a role group or a track (target, success
criteria, suggested 70:20:10 activities and courses), kept by the HR of the template's unit,
and applied in bulk to the people of a unit subtree for an open cycle.

Applying starts or fills each person's draft: their own gaps still come first (the goals of
their submitted self-assessment), then the template's goals for the other areas; a goal the
person already has for an area gets the template's suggestions it lacks. Applying twice adds
nothing twice. A plan already sent (submitted, approved, completed) is left alone and listed.
The drafts stay the person's own to change; HR never sends them."""

import json
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms import permissions
from lms.assessments.services import find_assessment, results, submitted_history
from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db
from lms.jobs import NotAllowed, execute, file_path, say_progress, start_job
from lms.learning import kind_by_code
from lms.models import (
    Course,
    Cycle,
    FrameworkTarget,
    Goal,
    Job,
    Person,
    Plan,
    PlannedActivity,
    PlanTemplate,
    RoleGroup,
    SkillArea,
    TemplateActivity,
    TemplateGoal,
    Track,
    Unit,
)
from lms.models.common import LEVEL_MAX, LEVEL_MIN
from lms.plans.services import MAX_GOALS, MAX_PLANNED_PER_GOAL, default_due, touch
from lms.rules import RuleError
from lms.vocab import BUCKETS, Bucket, PlanStatus, Role

NAME_LENGTH, TEXT_LENGTH, TITLE_LENGTH = 200, 2000, 500
EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)
LISTED = 200  # people with a sent plan listed by name (all are counted)
INVALID = _l("Please check the highlighted answers. Nothing was saved yet.")


class TemplateError(RuleError):
    """A template cannot be saved or applied as asked (`field_errors` by field)."""


# -- who ----------------------------------------------------------------------------------------


def hr_units(person: Person) -> list[Unit]:
    """The units whose templates `person` keeps: their HR subtrees (an administrator: the top
    units, and so everything)."""
    if permissions.is_admin(person):
        return list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None))))
    return permissions.scope_units(person, roles=(Role.HR,))


def keeps_templates(person: Person) -> bool:
    return bool(hr_units(person))


def visible_templates(person: Person) -> list[PlanTemplate]:
    """The templates of the units `person` keeps templates for, newest first."""
    query = select(PlanTemplate).join(Unit, Unit.id == PlanTemplate.unit_id)
    if not permissions.is_admin(person):
        paths = [u.path for u in hr_units(person)]
        if not paths:
            return []
        query = query.where(db.or_(*(Unit.path.startswith(p) for p in paths)))
    return list(db.session.scalars(query.order_by(PlanTemplate.updated_at.desc())))


def may_keep(person: Person, template: PlanTemplate) -> bool:
    unit = db.session.get(Unit, template.unit_id)
    return permissions.is_admin(person) or any(u.contains(unit) for u in hr_units(person))


# -- the template itself --------------------------------------------------------------------------


def save_template(
    template: PlanTemplate | None,
    values: dict,
    *,
    framework_id: int,
    by: Person,
) -> PlanTemplate:
    """Add (None) or change a template's name, note, unit, role group and track."""
    errors: dict[str, object] = {}
    name = " ".join((values.get("name") or "").split())
    note = (values.get("note") or "").strip()
    unit, group, track = values.get("unit"), values.get("role_group"), values.get("track")
    if not name:
        errors["name"] = _l('Give the template a name, e.g. "Service counter staff 2570".')
    elif len(name) > NAME_LENGTH:
        errors["name"] = _l("At most %(num)d characters.", num=NAME_LENGTH)
    if len(note) > TEXT_LENGTH:
        errors["note"] = _l("At most %(num)d characters.", num=TEXT_LENGTH)
    if unit is None or not any(u.contains(unit) for u in hr_units(by)):
        errors["unit"] = _l("Choose a unit you are HR of.")
    if group is not None and track is not None and group.track_id != track.id:
        errors["track"] = _l("This role group belongs to another track: choose one of the two.")
    if template is not None and not errors:
        for goal in template.goals:
            why = _not_applying(framework_id, group, track, goal.area)
            if why:
                errors["role_group"] = why
                break
    if errors:
        raise TemplateError(INVALID, errors)
    created = template is None
    if created:
        template = PlanTemplate(framework_id=framework_id, created_by_id=by.id)
        db.session.add(template)
    template.name, template.note = name, note or None
    template.unit_id = unit.id
    template.role_group_id = group.id if group else None
    template.track_id = track.id if track else None
    db.session.flush()
    audit("template_created" if created else "template_changed", by, template, template=name)
    return template


def delete_template(template: PlanTemplate, *, by: Person) -> None:
    audit("template_deleted", by, None, template=template.name)
    db.session.delete(template)
    db.session.flush()


def _not_applying(framework_id: int, group, track, area: SkillArea):
    """Why `area` has no place in a template for `group` (or `track`), or None: the area
    must apply to the group (or to a group of the track) in the framework's targets."""
    if group is None and track is None:
        return None
    groups = (
        [group.id]
        if group
        else list(db.session.scalars(select(RoleGroup.id).where(RoleGroup.track_id == track.id)))
    )
    applies = db.session.scalar(
        select(FrameworkTarget.id)
        .where(
            FrameworkTarget.framework_id == framework_id,
            FrameworkTarget.area_id == area.id,
            FrameworkTarget.role_group_id.in_(groups),
        )
        .limit(1)
    )
    if applies:
        return None
    return _l(
        "%(area)s does not apply to %(whom)s in the framework, so it has no place in this "
        "template.",
        area=area.name_th,
        whom=group.name_th if group else track.name_th,
    )


def add_template_goal(template: PlanTemplate, values: dict, *, by: Person) -> TemplateGoal:
    """A goal for a skill area of the template's framework (once per area)."""
    errors: dict[str, object] = {}
    area, target = values.get("area"), values.get("target_level")
    criteria = (values.get("success_criteria") or "").strip()
    if area is None or area.framework_id != template.framework_id:
        errors["area"] = _l("Choose a skill area of the template's framework.")
    elif any(g.area_id == area.id for g in template.goals):
        errors["area"] = _l("The template has a goal for this area already.")
    else:
        group = (
            db.session.get(RoleGroup, template.role_group_id) if template.role_group_id else None
        )
        track = db.session.get(Track, template.track_id) if template.track_id else None
        why = _not_applying(template.framework_id, group, track, area)
        if why:
            errors["area"] = why
    if target is None or not LEVEL_MIN <= target <= LEVEL_MAX:
        errors["target_level"] = _l(
            "Choose a level from %(low)d to %(high)d.", low=LEVEL_MIN, high=LEVEL_MAX
        )
    if len(criteria) > TEXT_LENGTH:
        errors["success_criteria"] = _l("At most %(num)d characters.", num=TEXT_LENGTH)
    if len(template.goals) >= MAX_GOALS and "area" not in errors:
        errors["area"] = _l("A plan has at most %(num)d goals.", num=MAX_GOALS)
    if errors:
        raise TemplateError(INVALID, errors)
    goal = TemplateGoal(
        area=area,
        target_level=target,
        success_criteria=criteria or None,
        position=len(template.goals),
    )
    template.goals.append(goal)
    _changed(template, by, added_goal=area.code)
    return goal


def delete_template_goal(goal: TemplateGoal, *, by: Person) -> None:
    template = goal.template
    template.goals.remove(goal)
    _changed(template, by, removed_goal=goal.area.code)


def add_template_activity(goal: TemplateGoal, values: dict, *, by: Person) -> TemplateActivity:
    """A suggested activity (70, 20 or 10), or a catalogue course (formal, 10)."""
    errors: dict[str, object] = {}
    course: Course | None = values.get("course")
    bucket = Bucket.FORMAL if course else values.get("bucket")
    title = " ".join((values.get("title") or (course.title_th if course else "")).split())
    hours: Decimal | None = values.get("hours")
    if hours is None and course is not None:
        hours = course.hours
    if bucket not in BUCKETS:
        errors["bucket"] = _l("Choose 70, 20 or 10.")
    if not title:
        errors["title"] = _l("Please write what people will do.")
    elif len(title) > TITLE_LENGTH:
        errors["title"] = _l("At most %(num)d characters.", num=TITLE_LENGTH)
    if hours is not None and not Decimal(0) < hours <= 1000:
        errors["hours"] = _l("Hours must be more than 0 and at most 1,000.")
    if course is not None and not course.active:
        errors["course"] = _l("This course is retired: choose another.")
    if len(goal.activities) >= MAX_PLANNED_PER_GOAL:
        errors["title"] = _l(
            "A goal has at most %(num)d planned activities.", num=MAX_PLANNED_PER_GOAL
        )
    if errors:
        raise TemplateError(INVALID, errors)
    activity = TemplateActivity(
        bucket=bucket, title=title, hours=hours, course=course, position=len(goal.activities)
    )
    goal.activities.append(activity)
    _changed(goal.template, by, added_activity=title)
    return activity


def delete_template_activity(activity: TemplateActivity, *, by: Person) -> None:
    goal = activity.goal
    goal.activities.remove(activity)
    _changed(goal.template, by, removed_activity=activity.title)


def _changed(template: PlanTemplate, by: Person, **what) -> None:
    template.updated_at = utcnow()
    db.session.flush()
    audit("template_changed", by, template, template=template.name, **what)


# -- applying it -------------------------------------------------------------------------------


def groups_of(template: PlanTemplate) -> list[int] | None:
    """The role groups the template is for (None: everyone)."""
    if template.role_group_id:
        return [template.role_group_id]
    if template.track_id:
        return list(
            db.session.scalars(select(RoleGroup.id).where(RoleGroup.track_id == template.track_id))
        )
    return None


def people_for(template: PlanTemplate, unit: Unit, role_group: RoleGroup | None = None):
    """The active people placed in `unit`'s subtree whom the template is for (and of
    `role_group` when given), as a query of their ids."""
    query = (
        select(Person.id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Unit.path.startswith(unit.path), Person.deactivated_on.is_(None))
    )
    groups = groups_of(template)
    if groups is not None:
        query = query.where(Person.role_group_id.in_(groups))
    if role_group is not None:
        query = query.where(Person.role_group_id == role_group.id)
    return query.order_by(Person.id)


def check_apply(template: PlanTemplate, cycle: Cycle | None, unit: Unit | None, by: Person) -> None:
    errors: dict[str, object] = {}
    if cycle is None or not cycle.is_open:
        errors["cycle"] = _l("Choose an open fiscal year: people's drafts are made in it.")
    elif cycle.framework_id != template.framework_id:
        errors["cycle"] = _l("This fiscal year uses another framework than the template.")
    if unit is None or not (
        permissions.is_admin(by) or any(u.contains(unit) for u in hr_units(by))
    ):
        errors["unit"] = _l("Choose a unit you are HR of.")
    if not template.goals:
        errors["template"] = _l("The template has no goals yet: add them first.")
    if errors:
        raise TemplateError(INVALID, errors)


@dataclass
class Applied:
    """What applying a template did, person by person, counted (and the sent plans named)."""

    started: int = 0  # a new draft
    filled: int = 0  # a draft that got goals or suggestions
    unchanged: int = 0  # a draft that had everything already
    sent: int = 0  # left alone: the plan was sent
    sent_people: list = field(default_factory=list)  # [employee_no, name, status]

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def apply_template(
    template: PlanTemplate, cycle: Cycle, person_ids: list[int], *, by: Person, step=None
) -> Applied:
    """Apply the template to each person's plan in `cycle` (the caller commits)."""
    done = Applied()
    goals = list(
        db.session.scalars(
            select(TemplateGoal)
            .where(TemplateGoal.template_id == template.id)
            .options(selectinload(TemplateGoal.activities), selectinload(TemplateGoal.area))
            .order_by(TemplateGoal.position, TemplateGoal.id)
        )
    )
    kinds = {Bucket.FORMAL: kind_by_code("ELEARNING")}
    for number, chunk in enumerate(_chunks(person_ids, 500)):
        people = db.session.scalars(select(Person).where(Person.id.in_(chunk))).all()
        plans = {
            p.person_id: p
            for p in db.session.scalars(
                select(Plan)
                .where(Plan.cycle_id == cycle.id, Plan.person_id.in_(chunk))
                .options(selectinload(Plan.goals).selectinload(Goal.activities))
            )
        }
        for person in people:
            _apply_to(person, plans.get(person.id), template, goals, cycle, kinds, done)
        db.session.flush()
        if step:
            step((number + 1) * 500 / max(len(person_ids), 1))
    audit(
        "template_applied",
        by,
        template,
        template=template.name,
        cycle=cycle.be_year,
        people=len(person_ids),
        **{k: v for k, v in done.as_dict().items() if k != "sent_people"},
    )
    return done


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply_to(person, plan, template, goals, cycle, kinds, done: Applied) -> None:
    if plan is not None and plan.status not in EDITABLE:
        done.sent += 1
        if len(done.sent_people) < LISTED:
            done.sent_people.append([person.employee_no, person.name_th, plan.status])
        return
    started = plan is None
    if started:
        plan = Plan(person=person, cycle=cycle)
        db.session.add(plan)
    assessment = _assessment_of(person, cycle)
    added = _gaps_first(assessment, plan, cycle) if started else 0
    levels = {r.area.code: r.level for r in results(assessment)} if assessment else {}
    by_area = {g.area_id: g for g in plan.goals}
    for template_goal in goals:
        goal = by_area.get(template_goal.area_id)
        if goal is None:
            if len(plan.goals) >= MAX_GOALS:
                continue
            level = levels.get(template_goal.area.code)
            goal = Goal(
                area_id=template_goal.area_id,
                current_level=level,
                target_level=max(template_goal.target_level, level or 0),
                success_criteria=template_goal.success_criteria,
                due_on=default_due(cycle),
                position=len(plan.goals),
            )
            plan.goals.append(goal)
            by_area[goal.area_id] = goal
            added += 1
        elif not goal.success_criteria and template_goal.success_criteria:
            goal.success_criteria = template_goal.success_criteria
            added += 1
        added += _suggestions(goal, template_goal, kinds)
    if started:
        done.started += 1
    elif added:
        done.filled += 1
    else:
        done.unchanged += 1
    if added and not started:
        touch(plan)  # the version moves on: a page the person has open is told


def _suggestions(goal: Goal, template_goal: TemplateGoal, kinds: dict) -> int:
    """The template goal's activities the person's goal lacks (same title or same course)."""
    have = {(a.title, a.course_id) for a in goal.activities}
    titles = {a.title for a in goal.activities}
    courses = {a.course_id for a in goal.activities if a.course_id}
    added = 0
    for suggestion in template_goal.activities:
        if suggestion.title in titles or (suggestion.course_id and suggestion.course_id in courses):
            continue
        if (
            len(goal.activities) >= MAX_PLANNED_PER_GOAL
            or (suggestion.title, suggestion.course_id) in have
        ):
            continue
        kind = kinds.get(suggestion.bucket) if suggestion.course_id else None
        goal.activities.append(
            PlannedActivity(
                bucket=suggestion.bucket,
                kind_id=kind.id if kind else None,
                title=suggestion.title,
                hours=suggestion.hours,
                course_id=suggestion.course_id,
                position=len(goal.activities),
            )
        )
        added += 1
    return added


def _assessment_of(person: Person, cycle: Cycle):
    """The person's submitted self-assessment of `cycle`, or their latest one before it."""
    assessment = find_assessment(person, cycle)
    if assessment is None or not assessment.is_submitted:
        history = submitted_history(person)
        assessment = history[0] if history else None
    return assessment


def _gaps_first(assessment, plan: Plan, cycle: Cycle) -> int:
    """A new draft starts from the person's own gaps, largest first (as "build my plan from
    my gaps" does), before the template's goals."""
    if assessment is None:
        return 0
    areas = {
        a.code: a
        for a in db.session.scalars(
            select(SkillArea).where(SkillArea.framework_id == cycle.framework_id)
        )
    }
    added = 0
    for row in sorted((r for r in results(assessment) if r.gap), key=lambda r: -r.gap):
        area = areas.get(row.area.code)
        if area is None or len(plan.goals) >= MAX_GOALS:
            continue
        plan.goals.append(
            Goal(
                area_id=area.id,
                current_level=row.level,
                target_level=row.target,
                due_on=default_due(cycle),
                position=len(plan.goals),
            )
        )
        added += 1
    return added


# -- applying as a job (in the request for a few hundred people, else in the task queue) --------

APPLY_KIND = "apply_template"
INLINE_PEOPLE = 300


def start_apply(
    template: PlanTemplate, cycle: Cycle, unit: Unit, group, *, by: Person, locale: str
):
    """A job that applies `template` (the caller commits, then runs or queues it)."""
    params = {
        "template_id": template.id,
        "cycle_id": cycle.id,
        "unit_id": unit.id,
        "role_group_id": group.id if group else None,
    }
    return start_job(by, APPLY_KIND, params, locale)


def run_apply(job_id: str) -> None:
    execute(job_id, _run_apply)


def _run_apply(job) -> None:
    by = db.session.get(Person, job.person_id)
    template = db.session.get(PlanTemplate, job.params["template_id"])
    cycle = db.session.get(Cycle, job.params["cycle_id"])
    unit = db.session.get(Unit, job.params["unit_id"])
    group_id = job.params.get("role_group_id")
    group = db.session.get(RoleGroup, group_id) if group_id else None
    if by is None or not by.is_active or template is None or not may_keep(by, template):
        raise NotAllowed
    job_id = job.id
    try:
        check_apply(template, cycle, unit, by)
    except TemplateError as refused:
        found = {
            "message": str(refused.message),
            "problems": {k: str(v) for k, v in refused.field_errors.items()},
        }
    else:
        ids = list(db.session.scalars(people_for(template, unit, group)))
        writing_alone = db.engine.dialect.name == "sqlite"  # one writer: the end is heard
        done = apply_template(
            template,
            cycle,
            ids,
            by=by,
            step=None
            if writing_alone
            else lambda share: say_progress(job_id, 10 + int(85 * min(share, 1))),
        )
        found = {"applied": done.as_dict(), "people": len(ids)}
        db.session.commit()
    path = file_path(db.session.get(Job, job_id))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")


def apply_result(job) -> dict | None:
    path = file_path(job)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
