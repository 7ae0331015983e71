"""Finding a person by what someone types: a name in Thai (with or without tone marks, either
form of sara am), in English, an employee number or an e-mail. Used wherever a person is chosen
(a new supervisor, a delegate, the unit a role covers is chosen by code)."""

from sqlalchemy import Select, func, or_, select

from lms.auth.services import find_by_login
from lms.extensions import db
from lms.models import Person, Unit, still_here
from lms.text import LIKE_ESCAPE, clean_text, contains_pattern, fold

SHOWN = 10  # suggestions at a time
MIN_LENGTH = 2  # characters before suggesting


def matching(text: str) -> Select | None:
    """Active people whose names, number or e-mail hold every word of `text` (None: too short)."""
    words = fold(clean_text(text)).split()
    if not words or sum(len(w) for w in words) < MIN_LENGTH:
        return None
    query = select(Person).where(still_here())
    for word in words[:5]:
        query = query.where(Person.search_key.like(contains_pattern(word), escape=LIKE_ESCAPE))
    return query


def suggestions(text: str, *, within: list[Unit] | None = None) -> list[Person]:
    """Up to SHOWN people matching `text`, exact employee numbers first; `within` narrows them
    to some unit subtrees (None: the whole installation)."""
    query = matching(text)
    if query is None:
        return []
    if within is not None:
        if not within:
            return []
        query = query.join(Unit, Unit.id == Person.unit_id).where(
            or_(*(Unit.path.startswith(u.path) for u in within))
        )
    exact = (Person.employee_no == clean_text(text)).desc()
    return list(db.session.scalars(query.order_by(exact, Person.name_th).limit(SHOWN)))


def chosen(text: str) -> Person | None:
    """The active person `text` names: their employee number or e-mail, or a name that fits
    one person only (picked from the suggestions, or typed in full)."""
    text = clean_text(text)
    if not text:
        return None
    person = find_by_login(text)
    if person is not None:
        return person if person.is_active else None
    query = matching(text)
    if query is None:
        return None
    found = list(db.session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None


def count_matching(text: str) -> int:
    query = matching(text)
    return (
        0
        if query is None
        else db.session.scalar(select(func.count()).select_from(query.subquery()))
    )
