"""HR keeps the course catalogue: a course or provider read from text (a form or a file's row,
with one set of rules and messages), added, changed, retired and brought back, each audited.

The starter loader (lms.content) only adds what is missing, so what HR changed here stays."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.audit import audit
from lms.content import course_search_text
from lms.extensions import db
from lms.models import Course, CourseArea, CourseTrack, Person, Provider, SkillArea, Track
from lms.models.common import LEVEL_MAX, LEVEL_MIN
from lms.models.course import CONFIDENCE
from lms.rules import RuleError

INVALID = _l("Please check the highlighted answers. Nothing was saved yet.")
LANGUAGES = ("th", "en")
YES_NO = {"y": True, "yes": True, "1": True, "n": False, "no": False, "0": False, "": None}
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
CODE = re.compile(r"^\S+$")  # a provider's own code as it writes it (course-v1:CU+CU005+2017)
PROVIDER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_\-]*$")
HOURS = re.compile(r"^\d{1,4}(?:[.,]\d)?$")
# The columns of a course (a file's header, the form's fields), as PRODUCT.md section 6 names them
COURSE_COLUMNS = (
    "provider",
    "code",
    "title_th",
    "title_en",
    "url",
    "areas",
    "level",
    "hours",
    "language",
    "tracks",
    "keywords",
    "code_official",
    "certified_w6",
    "source",
    "confidence",
)
LIMITS = {"code": 40, "title_th": 500, "title_en": 500, "url": 500, "keywords": 500, "source": 500}


class CatalogueError(RuleError):
    """A course or provider cannot be saved as given (`field_errors` by column)."""


@dataclass
class Known:
    """What a course may name: providers by code, skill-area codes of every framework, and
    the BMA plan's track codes."""

    providers: dict[str, Provider]
    areas: set[str]
    tracks: set[str]


def known() -> Known:
    return Known(
        providers={p.code: p for p in db.session.scalars(select(Provider))},
        areas=set(db.session.scalars(select(SkillArea.code).distinct())),
        tracks=set(db.session.scalars(select(Track.code))),
    )


def _codes(text: str) -> list[str]:
    return list(dict.fromkeys(c.strip().upper() for c in re.split(r"[;,]", text) if c.strip()))


def read_course(cells: dict[str, str], known: Known) -> tuple[dict, dict[str, object]]:
    """The course values in `cells` (text by column; a column left out stays as it is), and
    what is wrong with them by column."""
    values: dict = {}
    errors: dict[str, object] = {}
    text = {k: " ".join((v or "").split()) for k, v in cells.items()}
    for column, limit in LIMITS.items():
        if column in text and len(text[column]) > limit:
            errors[column] = _l("At most %(num)d characters.", num=limit)
    if "provider" in text:
        provider = known.providers.get(text["provider"].upper())
        if not text["provider"]:
            errors["provider"] = _l("Required: this cell is empty.")
        elif provider is None:
            errors["provider"] = _l(
                "No provider has this code. Known: %(codes)s.",
                codes=", ".join(sorted(known.providers)),
            )
        else:
            values["provider"] = provider
    for column in ("code", "title_th"):
        if column in text:
            if not text[column]:
                errors.setdefault(column, _l("Required: this cell is empty."))
            values[column] = text[column]
    if text.get("code") and "code" not in errors and not CODE.match(text["code"]):
        errors["code"] = _l("A code has no spaces.")
    for column in ("title_en", "keywords", "source"):
        if column in text:
            values[column] = text[column] or None
    if "url" in text:
        if text["url"] and not URL.match(text["url"]):
            errors.setdefault("url", _l("Give the whole address, starting with https://"))
        values["url"] = text["url"] or None
    for column, allowed in (("areas", known.areas), ("tracks", known.tracks)):
        if column in text:
            codes = _codes(text[column])
            unknown = [c for c in codes if c not in allowed]
            if unknown:
                errors[column] = _l(
                    "Unknown: %(codes)s. Known: %(known)s.",
                    codes=", ".join(unknown),
                    known=", ".join(sorted(allowed)),
                )
            values[column] = codes
    if "level" in text:
        level = text["level"]
        if level and not (
            level.isascii() and level.isdigit() and LEVEL_MIN <= int(level) <= LEVEL_MAX
        ):
            errors["level"] = _l(
                "Give a level from %(low)d to %(high)d, or leave it empty.",
                low=LEVEL_MIN,
                high=LEVEL_MAX,
            )
        else:
            values["level"] = int(level) if level else None
    if "hours" in text:
        values["hours"] = _hours(text["hours"], errors)
    if "language" in text:
        language = text["language"].lower() or "th"
        if language not in LANGUAGES:
            errors["language"] = _l("Give th or en.")
        values["language"] = language
    for column in ("code_official", "certified_w6"):
        if column in text:
            answer = text[column].lower()
            if answer not in YES_NO:
                errors[column] = _l("Give y, n, or leave it empty.")
            values[column] = YES_NO.get(answer)
    if "code_official" in values and values["code_official"] is None:
        values["code_official"] = True
    if "confidence" in text:
        confidence = text["confidence"].lower()
        if confidence and confidence not in CONFIDENCE:
            errors["confidence"] = _l("Give one of: %(names)s.", names=", ".join(CONFIDENCE))
        values["confidence"] = confidence or None
    return values, errors


def _hours(text: str, errors: dict) -> Decimal | None:
    if not text:
        return None
    try:
        hours = Decimal(text.replace(",", ".")) if HOURS.match(text) else None
    except InvalidOperation:
        hours = None
    if hours is None or not 0 < hours <= 1000:
        errors["hours"] = _l("Give the hours as a number above 0 and at most 1000, e.g. 1.5.")
    return hours


def course_cells(course: Course) -> dict[str, str]:
    """A course as the text of its columns (the form's values, a file's row, a change's
    before)."""
    flag = {True: "y", False: "n", None: ""}
    return {
        "provider": course.provider.code,
        "code": course.code,
        "title_th": course.title_th,
        "title_en": course.title_en or "",
        "url": course.url or "",
        "areas": ";".join(sorted(a.area_code for a in course.areas)),
        "level": "" if course.level is None else str(course.level),
        "hours": "" if course.hours is None else f"{course.hours.normalize():f}",
        "language": course.language,
        "tracks": ";".join(sorted(t.track_code for t in course.tracks)),
        "keywords": course.keywords or "",
        "code_official": flag[course.code_official],
        "certified_w6": flag[course.certified_w6],
        "source": course.source or "",
        "confidence": course.confidence or "",
    }


def find_course(provider: Provider, code: str) -> Course | None:
    return db.session.scalars(
        select(Course).where(Course.provider_id == provider.id, Course.code == code)
    ).first()


def apply_course(course: Course, values: dict) -> None:
    """Set the values read (`read_course`) on a course, new or not, and its search text."""
    for name, value in values.items():
        if name == "areas":
            kept = [a for a in course.areas if a.area_code in value]
            have = {a.area_code for a in kept}
            course.areas = kept + [CourseArea(area_code=c) for c in value if c not in have]
        elif name == "tracks":
            kept = [t for t in course.tracks if t.track_code in value]
            have = {t.track_code for t in kept}
            course.tracks = kept + [CourseTrack(track_code=c) for c in value if c not in have]
        else:
            setattr(course, name, value)
    course.search_text = course_search_text(course)


def put_course(course: Course | None, values: dict) -> Course:
    """A new course (None) or `course`, with the values read (`read_course`), flushed."""
    if course is None:
        course = Course(language="th")
        db.session.add(course)
    with db.session.no_autoflush:
        apply_course(course, values)
    db.session.flush()
    return course


def save_course(course: Course | None, cells: dict[str, str], *, by: Person | None) -> Course:
    """Add a course (None) or change one, from the text of its columns; refused with every
    problem by column, nothing written."""
    values, errors = read_course(cells, known())
    provider = values.get("provider") or (course.provider if course else None)
    code = values.get("code")
    if provider is not None and code and "code" not in errors:
        other = find_course(provider, code)
        if other is not None and other is not course:
            errors["code"] = _l("This provider already has a course with this code.")
    if errors:
        raise CatalogueError(INVALID, errors)
    before = course_cells(course) if course else None
    course = put_course(course, values)
    about = f"{course.provider.code}/{course.code}"
    _audit_save("course", course, before, course_cells(course), by, course=about)
    return course


def _audit_save(kind: str, row, before: dict | None, after: dict, by, **about) -> None:
    """`<kind>_created`, or `<kind>_changed` with each changed column's [before, after]."""
    if before is None:
        audit(f"{kind}_created", by, row, **about)
        return
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        audit(f"{kind}_changed", by, row, changed=changed, **about)


def set_course_active(course: Course, active: bool, *, by: Person | None) -> Course:
    """Retire a course (it leaves the catalogue; plans and learning that name it keep it) or
    bring it back."""
    return _set_active("course", course, active, by, course=f"{course.provider.code}/{course.code}")


def _set_active(kind: str, row, active: bool, by: Person | None, **about):
    """Retire or bring back a course or provider, audited as `<kind>_retired|restored`."""
    if row.active != active:
        row.active = active
        audit(f"{kind}_restored" if active else f"{kind}_retired", by, row, **about)
        db.session.flush()
    return row


# -- providers --------------------------------------------------------------------------------

PROVIDER_LIMITS = {"code": 20, "name_th": 255, "name_en": 255, "url": 500}


def provider_cells(provider: Provider) -> dict[str, str]:
    return {
        "code": provider.code,
        "name_th": provider.name_th,
        "name_en": provider.name_en or "",
        "url": provider.url or "",
    }


def save_provider(
    provider: Provider | None, cells: dict[str, str], *, by: Person | None
) -> Provider:
    """Add a provider (None) or change one (its code stays: courses and files name it)."""
    text = {k: " ".join((cells.get(k) or "").split()) for k in PROVIDER_LIMITS}
    if provider is not None:
        text["code"] = provider.code
    text["code"] = text["code"].upper()
    errors: dict[str, object] = {}
    for column, limit in PROVIDER_LIMITS.items():
        if len(text[column]) > limit:
            errors[column] = _l("At most %(num)d characters.", num=limit)
    for column in ("code", "name_th"):
        if not text[column]:
            errors[column] = _l("Required: this cell is empty.")
    if text["code"] and "code" not in errors and not PROVIDER_CODE.match(text["code"]):
        errors["code"] = _l("Use letters A–Z, digits, - or _ (no spaces).")
    if text["url"] and not URL.match(text["url"]):
        errors["url"] = _l("Give the whole address, starting with https://")
    if provider is None and db.session.scalar(
        select(Provider.id).where(Provider.code == text["code"])
    ):
        errors["code"] = _l("A provider with this code exists already.")
    if errors:
        raise CatalogueError(INVALID, errors)
    before = provider_cells(provider) if provider else None
    if provider is None:
        provider = Provider(code=text["code"])
        db.session.add(provider)
    provider.name_th = text["name_th"]
    provider.name_en = text["name_en"] or None
    provider.url = text["url"] or None
    db.session.flush()
    _audit_save("provider", provider, before, provider_cells(provider), by, provider=provider.code)
    return provider


def set_provider_active(provider: Provider, active: bool, *, by: Person | None) -> Provider:
    """Retire a provider (its courses leave the catalogue with it) or bring it back."""
    return _set_active("provider", provider, active, by, provider=provider.code)
