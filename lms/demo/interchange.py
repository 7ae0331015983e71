"""Learning done elsewhere in the demo: TDGA Academy's system has credentials and has sent, as
xAPI statements through the same store as production, two courses the demo staff member
completed (waiting for them to confirm) and one for someone who left (kept aside for HR)."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from lms.clock import BANGKOK, today
from lms.extensions import db
from lms.interchange.services import create_client, receive
from lms.interchange.statements import VERB_COMPLETED, VERB_PASSED, read_statement
from lms.models import Course, Cycle, Person, Provider


def _statement(email: str, course: Course, verb: str, day, score: int | None) -> dict:
    moment = datetime.combine(day, time(15, 30), BANGKOK).astimezone(UTC)
    statement = {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {
            "objectType": "Activity",
            "id": course.url or f"https://academy.tdga.or.th/course/{course.code}",
            "definition": {"name": {"th-TH": course.title_th}},
        },
        "timestamp": moment.isoformat().replace("+00:00", "Z"),
    }
    if score is not None:
        statement["result"] = {"success": True, "score": {"raw": score, "min": 0, "max": 100}}
    else:
        statement["result"] = {"completion": True}
    return statement


def completions_arrive(people: list[Person], current: Cycle) -> None:
    tdga = db_provider("TDGA")
    if tdga is None:
        return
    courses = list(
        db.session.scalars(
            select(Course)
            .where(Course.provider_id == tdga.id, Course.active.is_(True))
            .order_by(Course.code)
            .limit(2)
        )
    )
    staff = next((p for p in people if p.email == "staff@demo.local"), None)
    if len(courses) < 2 or staff is None:
        return
    client, _credentials = create_client("TDGA Academy (xAPI)", provider=tdga)
    first = max(current.starts_on, today() - timedelta(days=6))
    second = max(current.starts_on, today() - timedelta(days=2))
    statements = [
        _statement(staff.email, courses[0], VERB_COMPLETED, first, None),
        _statement(staff.email, courses[0], VERB_PASSED, first, 88),
        _statement(staff.email, courses[1], VERB_COMPLETED, second, None),
        _statement("former.officer@bma.go.th", courses[1], VERB_COMPLETED, second, None),
    ]
    receive(client, [read_statement(s) for s in statements])


def db_provider(code: str) -> Provider | None:
    return db.session.scalars(select(Provider).where(Provider.code == code)).first()
