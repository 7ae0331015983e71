"""factory-boy factories that build through the same services production code uses."""

from datetime import date

import factory
from sqlalchemy import select

from lms.auth.services import set_password
from lms.extensions import db
from lms.models import Person, RoleGroup, Unit
from lms.people.org import add_person, add_unit
from tests.conftest import PASSWORD


def role_group(code: str) -> RoleGroup:
    return db.session.scalars(select(RoleGroup).where(RoleGroup.code == code)).one()


class UnitFactory(factory.Factory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name_th = factory.Sequence(lambda n: f"หน่วยงานทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test unit {n}")
    parent = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        unit = add_unit(kwargs["code"], kwargs["name_th"], kwargs["name_en"], kwargs["parent"])
        db.session.commit()
        return unit


class PersonFactory(factory.Factory):
    class Meta:
        model = Person

    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    email = factory.LazyAttribute(lambda o: f"{o.employee_no.lower()}@test.local")
    name_th = factory.Sequence(lambda n: f"ทดสอบ คนที่{n}")
    name_en = factory.Sequence(lambda n: f"Tester {n}")
    position_th = "นักวิเทศสัมพันธ์ปฏิบัติการ"
    group = "ACAD"
    unit = factory.SubFactory(UnitFactory)
    supervisor = None
    roles = ()
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, **kwargs):
        password = kwargs.pop("password")
        group = kwargs.pop("group")
        roles = kwargs.pop("roles")
        unit = kwargs.pop("unit")
        person = add_person(
            unit=unit,
            since=date(2020, 10, 1),
            roles=tuple(roles),
            role_group_id=role_group(group).id,
            **kwargs,
        )
        set_password(person, password)
        db.session.commit()
        return person


def submitted_assessment(person, cycle, level=1):
    """A submitted self-assessment with the same level in every area."""
    from lms.assessments.services import save_area, start_assessment, submit_assessment
    from lms.cycles import cycle_areas

    assessment = start_assessment(person, cycle, by=person)
    for area in cycle_areas(cycle):
        save_area(assessment, area, level=level, justification=None, by=person)
    submit_assessment(assessment, by=person)
    db.session.commit()
    return assessment


def ready_to_send(plan) -> None:
    """Fill what sending asks of every goal (success criteria; each activity's hours and a
    period in the plan's year) where a test left it out."""
    cycle = plan.cycle
    for goal in plan.goals:
        goal.success_criteria = goal.success_criteria or "ใช้ได้จริงในงานประจำ"
        for activity in goal.activities:
            activity.hours = activity.hours or 2
            activity.starts_on = activity.starts_on or cycle.starts_on
            activity.ends_on = activity.ends_on or cycle.ends_on
    db.session.flush()
