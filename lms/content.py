"""Load the content/ files (frameworks, role groups, activity kinds, courses) idempotently.

Every row is upserted on its natural key and only written when a value differs, so that a
second run changes nothing. The course catalogue is HR's to edit once loaded: starter courses
are added when missing and never overwritten.
"""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from lms.extensions import db
from lms.models import (
    ActivityKind,
    Course,
    CourseArea,
    CourseTrack,
    Framework,
    FrameworkTarget,
    Provider,
    RoleGroup,
    ScaleLevel,
    SkillArea,
    SubSkill,
    Track,
)
from lms.models.course import CONFIDENCE
from lms.text import fold

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


@dataclass
class LoadReport:
    """How many rows a content load created and updated, per table."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, created: bool, changed: bool) -> None:
        if created:
            self.created[table] = self.created.get(table, 0) + 1
        elif changed:
            self.updated[table] = self.updated.get(table, 0) + 1

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def upsert(model: type, key: dict[str, Any], values: dict[str, Any], report: LoadReport):
    """Find `model` by `key`, create it or update only the differing `values`."""
    obj = db.session.scalars(select(model).filter_by(**key)).first()
    created = obj is None
    changed = False
    if created:
        obj = model(**key, **values)
        db.session.add(obj)
    else:
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
    db.session.flush()
    report.count(model.__tablename__, created, changed)
    return obj


def _read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_role_groups(path: Path, report: LoadReport) -> None:
    """Tracks and role groups."""
    data = _read_yaml(path)
    tracks = {}
    for row in data["tracks"]:
        values = {k: row.get(k) for k in ("name_th", "name_en", "goal_th", "goal_en")}
        tracks[row["code"]] = upsert(Track, {"code": row["code"]}, values, report)
    for position, row in enumerate(data["role_groups"]):
        values = {
            "name_th": row["name_th"],
            "name_en": row.get("name_en"),
            "track_id": tracks[row["track"]].id if row.get("track") else None,
            "position": position,
        }
        upsert(RoleGroup, {"code": row["code"]}, values, report)


def load_framework(path: Path, report: LoadReport) -> Framework:
    """A framework file of content/frameworks/ (`load_framework_data`)."""
    return load_framework_data(_read_yaml(path), report)


def load_framework_data(data: dict, report: LoadReport) -> Framework:
    """A framework with its areas, sub-skills, scale and default targets, each default target
    with the confidence `applicable_areas` gives it, and the sources behind them. `data` has the
    shape of a content/frameworks/ file (an upload is checked first: lms.exchange.frameworks)."""
    sources = "\n".join(str(s) for s in data.get("applicable_sources") or ()) or None
    framework = upsert(
        Framework,
        {"code": data["code"]},
        {k: data.get(k) for k in ("name_th", "name_en", "note_th", "note_en")}
        | {"is_default": bool(data.get("is_default")), "sources": sources},
        report,
    )
    areas = {}
    for position, row in enumerate(data["skill_areas"]):
        values = {
            k: row.get(k)
            for k in (
                "name_th",
                "name_en",
                "short_th",
                "short_en",
                "description_th",
                "description_en",
            )
        } | {"category": row.get("category"), "position": position}
        area = upsert(
            SkillArea, {"framework_id": framework.id, "code": row["code"]}, values, report
        )
        areas[row["code"]] = area
        for sub_position, sub in enumerate(row.get("sub_skills", [])):
            upsert(
                SubSkill,
                {"area_id": area.id, "code": sub["code"]},
                {
                    "name_th": sub["name_th"],
                    "name_en": sub.get("name_en"),
                    "verified": bool(sub.get("verified", True)),
                    "position": sub_position,
                },
                report,
            )
    for row in data["scale"]:
        upsert(
            ScaleLevel,
            {"framework_id": framework.id, "level": row["level"]},
            {"name_th": row["name_th"], "name_en": row.get("name_en")},
            report,
        )
    groups = {g.code: g for g in db.session.scalars(select(RoleGroup))}
    applicable = data.get("applicable_areas")  # None: every area applies to every group
    for group_code, targets in (data.get("default_targets") or {}).items():
        for area_code, level in targets.items():
            if applicable is not None and area_code not in applicable.get(group_code, {}):
                _drop_target(framework, groups[group_code], areas[area_code], report)
                continue
            confidence = applicable[group_code][area_code] if applicable is not None else None
            upsert(
                FrameworkTarget,
                {
                    "framework_id": framework.id,
                    "role_group_id": groups[group_code].id,
                    "area_id": areas[area_code].id,
                },
                {"level": level, "confidence": confidence},
                report,
            )
    return framework


def _drop_target(framework: Framework, group: RoleGroup, area: SkillArea, report) -> None:
    """An area that does not apply to a group has no default target (a second run: nothing)."""
    stale = db.session.scalars(
        select(FrameworkTarget).filter_by(
            framework_id=framework.id, role_group_id=group.id, area_id=area.id
        )
    ).first()
    if stale is not None:
        db.session.delete(stale)
        db.session.flush()
        report.count(FrameworkTarget.__tablename__, False, True)


def load_activity_kinds(path: Path, report: LoadReport) -> None:
    data = _read_yaml(path)
    for bucket in data["buckets"]:
        for position, row in enumerate(bucket["kinds"]):
            upsert(
                ActivityKind,
                {"code": row["code"]},
                {
                    "bucket": str(bucket["code"]),
                    "name_th": row["name_th"],
                    "name_en": row.get("name_en"),
                    "position": position,
                },
                report,
            )


def load_providers(path: Path, report: LoadReport) -> None:
    """Add the providers that are missing; one that exists is HR's (never overwritten)."""
    for row in _read_yaml(path)["providers"]:
        if db.session.scalar(select(Provider.id).where(Provider.code == row["code"])) is None:
            values = {k: row.get(k) for k in ("name_th", "name_en", "url")}
            upsert(Provider, {"code": row["code"]}, values, report)


def course_search_text(course: Course) -> str:
    """The folded text a catalogue search matches against (not Thaksa's own course keys)."""
    parts = [course.shown_code, course.title_th, course.title_en, course.keywords]
    parts += [course.provider.code] + [a.area_code for a in course.areas]
    return fold(" ".join(p for p in parts if p))[:2000]


def _codes(cell: str) -> list[str]:
    return [c for c in cell.split(";") if c]


def _starter_facts(row: dict) -> dict:
    """What a starter row says about a course beyond its title, areas and level."""
    if row["confidence"] not in CONFIDENCE:
        raise ValueError(f"{row['code']}: confidence must be one of {', '.join(CONFIDENCE)}")
    return {
        "code_official": row["code_official"] != "n",
        "keywords": row["keywords"] or None,
        "certified_w6": {"y": True, "n": False}.get(row["certified_w6"]),
        "source": row["source"],
        "confidence": row["confidence"],
    }


def load_starter_courses(path: Path, report: LoadReport) -> None:
    """Add starter courses that are missing; never overwrite HR's edits of existing ones.

    A course added before its row carried a source gets the row's facts once (source,
    confidence, tracks, search words, and hours or a link it lacks); after that it is HR's."""
    providers = {p.code: p for p in db.session.scalars(select(Provider))}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            provider = providers[row["provider"]]
            course = db.session.scalars(
                select(Course).filter_by(provider_id=provider.id, code=row["code"])
            ).first()
            hours = Decimal(row["hours"]) if row["hours"] else None
            created = course is None
            if created:
                course = Course(
                    provider=provider,
                    code=row["code"],
                    title_th=row["title_th"],
                    title_en=row["title_en"] or None,
                    url=row["url"] or None,
                    level=int(row["level"]) if row["level"] else None,
                    hours=hours,
                    language=row["language"] or "th",
                    **_starter_facts(row),
                )
                course.areas = [CourseArea(area_code=c) for c in _codes(row["areas"])]
                db.session.add(course)
            elif course.source is None:
                for name, value in _starter_facts(row).items():
                    setattr(course, name, value)
                course.hours = course.hours or hours
                course.url = course.url or row["url"] or None
            else:
                continue
            course.tracks = [CourseTrack(track_code=c) for c in _codes(row["tracks"])]
            course.search_text = course_search_text(course)
            db.session.flush()
            report.count(Course.__tablename__, created, True)


def load_all(content_dir: Path = CONTENT_DIR) -> LoadReport:
    """Load every content file; the caller commits."""
    report = LoadReport()
    load_role_groups(content_dir / "role_groups.yaml", report)
    for path in sorted((content_dir / "frameworks").glob("*.yaml")):
        load_framework(path, report)
    load_activity_kinds(content_dir / "activity_kinds.yaml", report)
    load_providers(content_dir / "providers.yaml", report)
    load_starter_courses(content_dir / "courses.csv", report)
    return report
