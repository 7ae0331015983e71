"""Frameworks in and out: a content file (the YAML of content/frameworks/) or Moodle's
competency-framework CSV (the columns of Moodle's "Import competency framework" tool), and ours
out as that CSV, so a framework kept in Moodle comes in and ours goes out.

Moodle's tree maps onto ours: the framework row is the framework, its top competencies the skill
areas, their children the sub-skills. A competency deeper than that becomes a sub-skill of its
area, named with the path to it ("A › B"). The framework's scale of five values becomes the
0-4 scale (its words the levels' names); another number of values is refused, since every
rating in the app is 0-4. Rules, cross-references and a competency's own scale are not kept,
and Moodle has no targets: HR sets them per year. What the import did with them is said in its
notices. Every problem of a file is found before anything is written (row, column, why)."""

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.audit import audit
from lms.content import LoadReport, load_framework_data
from lms.exchange.common import HEADER_ROW, ImportRefused, Problems
from lms.exchange.reading import FileRefused, Table, read_table
from lms.extensions import db
from lms.models import Framework, Person, RoleGroup, ScaleLevel
from lms.models.common import LEVEL_MAX, LEVEL_MIN
from lms.models.framework import TARGET_CONFIDENCE

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
FRAMEWORK_CODE, AREA_CODE, SUB_SKILL_CODE = 40, 20, 30  # the columns' lengths
NAME, SHORT_NAME, SCALE_NAME = 500, 60, 255
LEVELS = list(range(LEVEL_MIN, LEVEL_MAX + 1))
PATH = " › "  # a competency deeper than a sub-skill: its names from the sub-skill down

# Moodle's columns in the order its tool reads and writes them (the English headers), and
# what each is called in a header once spaces, case and "(optional)" are set aside.
MOODLE_HEADERS = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
MOODLE_KEYS = (
    "parent",
    "idnumber",
    "shortname",
    "description",
    "format",
    "scale",
    "scale_config",
    "rule_type",
    "rule_outcome",
    "rule_config",
    "related",
    "export_id",
    "is_framework",
    "taxonomy",
)
ALIASES = {
    "parentidnumber": "parent",
    "idnumber": "idnumber",
    "shortname": "shortname",
    "description": "description",
    "descriptionformat": "format",
    "scalevalues": "scale",
    "scaleconfiguration": "scale_config",
    "ruletype": "rule_type",
    "ruleoutcome": "rule_outcome",
    "ruleconfig": "rule_config",
    "crossreferencedcompetencyidnumbers": "related",
    "relatedidnumbers": "related",
    "exportedid": "export_id",
    "exportid": "export_id",
    "isframework": "is_framework",
    "taxonomy": "taxonomy",
    "taxonomies": "taxonomy",
}
REQUIRED = ("parent", "idnumber", "shortname", "is_framework")
POSITIONAL = 13  # unknown headers on this many columns: Moodle's, in another language
FORMAT_HTML, FORMAT_PLAIN = "1", "2"
MULTILANG = (
    re.compile(
        r"<span\b(?=[^>]*\bclass=\"multilang\")[^>]*\blang=\"([\w-]+)\"[^>]*>(.*?)</span>", re.S
    ),
    re.compile(r"\{mlang\s+([\w-]+)\}(.*?)\{mlang\}", re.S),
)


@dataclass
class FrameworkFile:
    """A framework read from a file, in the shape of a content file, with what the reading
    did that the reader should know (`notices`, lazy messages)."""

    data: dict
    notices: list = field(default_factory=list)
    kind: str = "moodle"  # or "content"

    @property
    def areas(self) -> int:
        return len(self.data["skill_areas"])

    @property
    def sub_skills(self) -> int:
        return sum(len(a.get("sub_skills") or ()) for a in self.data["skill_areas"])


# -- reading ----------------------------------------------------------------------------------


def read_framework_file(content: bytes, filename: str = "") -> FrameworkFile:
    """The framework in an uploaded file: a content file (.yaml/.yml) or Moodle's CSV/XLSX.
    Raises FileRefused when it cannot be read, ImportRefused with every problem found."""
    if filename.lower().endswith((".yaml", ".yml")):
        return FrameworkFile(_content_data(content), kind="content")
    return from_moodle(read_table(content))


def _content_data(content: bytes) -> dict:
    try:
        data = yaml.safe_load(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FileRefused(
            _l("This is not a framework file in the form of content/frameworks/ (YAML, UTF-8).")
        ) from exc
    if not isinstance(data, dict):
        raise FileRefused(_l("The file holds no framework: it should start with its code."))
    problems = check_framework_data(data)
    if problems:
        raise ImportRefused(problems)
    data["is_default"] = False  # the default framework comes with the app
    return data


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def check_framework_data(data: dict) -> Problems:
    """What is wrong with a framework in the shape of a content file (each problem's column
    says where, e.g. "skill_areas 2 · code"; its row is 0: the file)."""
    problems = Problems()

    def need(where: str, value, limit: int, *, code: bool = False) -> None:
        text = _text(value)
        if not text:
            problems.add(0, where, _l("Required: this is empty."))
        elif len(text) > limit:
            problems.add(0, where, _l("At most %(num)d characters.", num=limit))
        elif code and not CODE.match(text):
            problems.add(0, where, _l("Use letters A–Z, digits, - _ or . (no spaces)."))

    need("code", data.get("code"), FRAMEWORK_CODE, code=True)
    need("name_th", data.get("name_th"), NAME)
    areas = data.get("skill_areas")
    if not isinstance(areas, list) or not areas:
        problems.add(0, "skill_areas", _l("A framework needs at least one skill area."))
        areas = []
    codes: set[str] = set()
    for number, area in enumerate(areas, start=1):
        where = f"skill_areas {number}"
        if not isinstance(area, dict):
            problems.add(0, where, _l("Each skill area needs a code and a Thai name."))
            continue
        need(f"{where} · code", area.get("code"), AREA_CODE, code=True)
        need(f"{where} · name_th", area.get("name_th"), NAME)
        for short in ("short_th", "short_en"):
            if len(_text(area.get(short))) > SHORT_NAME:
                problems.add(
                    0, f"{where} · {short}", _l("At most %(num)d characters.", num=SHORT_NAME)
                )
        code = _text(area.get("code"))
        if code in codes:
            problems.add(
                0, f"{where} · code", _l("Two skill areas have the code %(code)s.", code=code)
            )
        codes.add(code)
        subs = area.get("sub_skills") or []
        seen: set[str] = set()
        for sub_number, sub in enumerate(subs if isinstance(subs, list) else [None], start=1):
            sub_where = f"{where} · sub_skills {sub_number}"
            if not isinstance(sub, dict):
                problems.add(0, sub_where, _l("Each sub-skill needs a code and a Thai name."))
                continue
            need(f"{sub_where} · code", sub.get("code"), SUB_SKILL_CODE, code=True)
            need(f"{sub_where} · name_th", sub.get("name_th"), NAME)
            if _text(sub.get("code")) in seen:
                problems.add(
                    0, f"{sub_where} · code", _l("Two sub-skills of the area have this code.")
                )
            seen.add(_text(sub.get("code")))
    _check_scale(data.get("scale"), problems)
    _check_targets(data, codes, problems)
    return problems


def _check_scale(scale, problems: Problems) -> None:
    rows = [row for row in scale if isinstance(row, dict)] if isinstance(scale, list) else []
    levels = [row.get("level") for row in rows]
    if len(rows) != len(LEVELS) or sorted(x for x in levels if isinstance(x, int)) != LEVELS:
        problems.add(
            0,
            "scale",
            _l(
                "The scale needs the levels %(low)d to %(high)d, each once with its Thai name: "
                "every rating in Thaksa is on that scale.",
                low=LEVEL_MIN,
                high=LEVEL_MAX,
            ),
        )
        return
    for row in rows:
        name = _text(row.get("name_th"))
        if not name or len(name) > SCALE_NAME:
            problems.add(
                0,
                f"scale {row.get('level')} · name_th",
                _l("A name of at most %(num)d characters is required.", num=SCALE_NAME),
            )


def _check_targets(data: dict, areas: set[str], problems: Problems) -> None:
    groups = set(db.session.scalars(select(RoleGroup.code)))
    for key, allowed in (("default_targets", None), ("applicable_areas", TARGET_CONFIDENCE)):
        table = data.get(key) or {}
        if not isinstance(table, dict):
            problems.add(0, key, _l("Give one line per role group, e.g. SERV: {DLIT: 3}."))
            continue
        for group, cells in table.items():
            if group not in groups:
                problems.add(
                    0,
                    f"{key} · {group}",
                    _l(
                        "No role group has this code. Known: %(codes)s.",
                        codes=", ".join(sorted(groups)),
                    ),
                )
            for area, value in (cells or {}).items() if isinstance(cells, dict) else ():
                where = f"{key} · {group} · {area}"
                if area not in areas:
                    problems.add(0, where, _l("The framework has no skill area with this code."))
                elif allowed is None and (not isinstance(value, int) or value not in LEVELS):
                    problems.add(
                        0,
                        where,
                        _l(
                            "Give a level of the scale, %(low)d to %(high)d.",
                            low=LEVEL_MIN,
                            high=LEVEL_MAX,
                        ),
                    )
                elif allowed is not None and value not in allowed:
                    problems.add(0, where, _l("Give one of: %(names)s.", names=", ".join(allowed)))


def _moodle_columns(table: Table, problems: Problems) -> dict[str, str]:
    """Our name of each of the file's columns. Headers Moodle wrote in another language are
    read by position, as Moodle's own tool does."""
    names = {}
    for column in table.columns:
        key = re.sub(r"[^a-z]", "", column.replace("(optional)", ""))
        if key in ALIASES:
            names[column] = ALIASES[key]
    if all(key in names.values() for key in REQUIRED):
        return names
    if len(table.columns) >= POSITIONAL and not names:
        return dict(zip(table.columns, MOODLE_KEYS, strict=False))
    for key in REQUIRED:
        if key not in names.values():
            header = MOODLE_HEADERS[MOODLE_KEYS.index(key)]
            problems.add(HEADER_ROW, header, _l("This column is missing; it is required."))
    return names


def _languages(text: str) -> tuple[str, str | None]:
    """Thai and English from a Moodle name or description: the multi-language filter's spans
    when it has them, else the whole text as Thai."""
    for pattern in MULTILANG:
        found = {lang.lower(): part for lang, part in pattern.findall(text)}
        if found:
            thai = found.get("th") or found.get("other") or next(iter(found.values()))
            return _plain(thai), _plain(found["en"]) if "en" in found else None
    return _plain(text), None


def _plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@dataclass
class _Node:
    row: int
    idnumber: str
    parent: str
    name_th: str
    name_en: str | None
    description_th: str
    description_en: str | None
    children: list = field(default_factory=list)


def from_moodle(table: Table) -> FrameworkFile:
    """A framework from Moodle's competency-framework CSV (or the same columns in XLSX)."""
    problems = Problems()
    names = _moodle_columns(table, problems)
    if problems:
        raise ImportRefused(problems)
    header = {key: column for column, key in names.items()}
    frame, nodes, notices = None, {}, []
    own_scales = rules = 0
    for number, values in table.rows:
        cell = {key: values.get(column, "").strip() for key, column in header.items()}
        values.pop("\x00extra", None)
        name_th, name_en = _languages(cell.get("shortname", ""))
        description = cell.get("description", "")
        description_th, description_en = _languages(description)
        if cell.get("is_framework", "").lower() in ("1", "true", "yes", "y"):
            if frame is not None:
                problems.add(
                    number,
                    MOODLE_HEADERS[12],
                    _l("A file holds one framework; row %(row)d is one already.", row=frame[0]),
                )
                continue
            frame = (number, cell, name_th, name_en, description_th, description_en)
            continue
        if not any(cell.values()):
            continue
        idnumber = cell.get("idnumber", "")
        if not idnumber:
            problems.add(number, MOODLE_HEADERS[1], _l("Required: this cell is empty."))
            continue
        if not name_th:
            problems.add(number, MOODLE_HEADERS[2], _l("Required: this cell is empty."))
        if idnumber in nodes:
            problems.add(
                number,
                MOODLE_HEADERS[1],
                _l("This ID number is also on row %(row)d.", row=nodes[idnumber].row),
            )
            continue
        if not CODE.match(idnumber):
            problems.add(
                number, MOODLE_HEADERS[1], _l("Use letters A–Z, digits, - _ or . (no spaces).")
            )
        own_scales += bool(cell.get("scale"))
        rules += bool(cell.get("rule_type") or cell.get("related"))
        nodes[idnumber] = _Node(
            number,
            idnumber,
            cell.get("parent", ""),
            name_th,
            name_en,
            description_th,
            description_en,
        )
    if frame is None:
        problems.add(
            HEADER_ROW,
            MOODLE_HEADERS[12],
            _l(
                "No row is the framework itself (Is framework = 1): Moodle's export starts with it."
            ),
        )
        raise ImportRefused(problems, table)
    top = _tree(nodes, frame[1].get("idnumber", ""), problems)
    data = _framework_data(frame, top, problems, notices)
    if problems:
        raise ImportRefused(problems, table)
    if own_scales:
        notices.append(
            _l(
                "%(num)d competencies have a scale of their own: every area is rated on the "
                "framework's scale, so theirs is not kept.",
                num=own_scales,
            )
        )
    if rules:
        notices.append(
            _l("Competency rules and cross-references are not kept: Thaksa has no use for them.")
        )
    notices.append(
        _l(
            "A Moodle framework has no targets: set each role group's targets on the year's "
            "Targets page once a year uses this framework."
        )
    )
    return FrameworkFile(data, notices)


def _tree(nodes: dict[str, _Node], frame_id: str, problems: Problems) -> list[_Node]:
    """The competencies as a tree (the framework's own ID number as a parent means the top);
    an unknown parent or a circle is a problem of its row."""
    top = []
    for node in nodes.values():
        if node.parent in ("", frame_id):
            top.append(node)
        elif node.parent not in nodes:
            problems.add(
                node.row,
                MOODLE_HEADERS[0],
                _l("No competency in the file has this ID number."),
            )
        else:
            nodes[node.parent].children.append(node)
    for node in nodes.values():
        seen = [node.idnumber]
        parent = node.parent
        while parent in nodes and parent not in seen and parent not in ("", frame_id):
            seen.append(parent)
            parent = nodes[parent].parent
        if parent == node.idnumber:
            problems.add(
                node.row,
                MOODLE_HEADERS[0],
                _l("This makes a circle: %(codes)s.", codes=" → ".join([*seen, parent])),
            )
    return top


def _framework_data(frame, top: list[_Node], problems: Problems, notices: list) -> dict:
    number, cell, name_th, name_en, description_th, description_en = frame
    code = cell.get("idnumber", "")
    if not code:
        problems.add(number, MOODLE_HEADERS[1], _l("Required: this cell is empty."))
    elif len(code) > FRAMEWORK_CODE or not CODE.match(code):
        problems.add(
            number,
            MOODLE_HEADERS[1],
            _l("At most %(num)d letters A–Z, digits, - _ or . (no spaces).", num=FRAMEWORK_CODE),
        )
    if not name_th:
        problems.add(number, MOODLE_HEADERS[2], _l("Required: this cell is empty."))
    if not top:
        problems.add(number, "", _l("The framework has no competencies: it needs at least one."))
    areas, deeper = [], 0
    for node in top:
        if len(node.idnumber) > AREA_CODE:
            problems.add(
                node.row,
                MOODLE_HEADERS[1],
                _l("A skill area's ID number has at most %(num)d characters.", num=AREA_CODE),
            )
        subs = []
        for child in node.children:
            for sub, path in _flattened(child):
                deeper += len(path) > 1
                if len(sub.idnumber) > SUB_SKILL_CODE:
                    problems.add(
                        sub.row,
                        MOODLE_HEADERS[1],
                        _l(
                            "A sub-skill's ID number has at most %(num)d characters.",
                            num=SUB_SKILL_CODE,
                        ),
                    )
                subs.append(
                    {
                        "code": sub.idnumber,
                        "name_th": PATH.join(n.name_th for n in path)[:NAME],
                        "name_en": PATH.join(n.name_en or n.name_th for n in path)[:NAME]
                        if any(n.name_en for n in path)
                        else None,
                    }
                )
        areas.append(
            {
                "code": node.idnumber,
                "name_th": node.name_th[:NAME],
                "name_en": (node.name_en or None) and node.name_en[:NAME],
                "description_th": node.description_th or None,
                "description_en": node.description_en,
                "sub_skills": subs,
            }
        )
    if deeper:
        notices.append(
            _l(
                "%(num)d competencies sit deeper than two levels below the framework: each "
                "became a sub-skill of its skill area, named with the path to it (A › B).",
                num=deeper,
            )
        )
    return {
        "code": code,
        "name_th": name_th[:NAME],
        "name_en": name_en and name_en[:NAME],
        "note_th": description_th or None,
        "note_en": description_en,
        "is_default": False,
        "skill_areas": areas,
        "scale": _scale(number, cell.get("scale", ""), problems, notices),
    }


def _flattened(node: _Node, path: tuple = ()):
    """A sub-skill and every competency below it, each with its path from the sub-skill."""
    path = (*path, node)
    yield node, path
    for child in node.children:
        yield from _flattened(child, path)


def _scale(number: int, values: str, problems: Problems, notices: list) -> list[dict]:
    """The five values of the framework's scale as levels 0-4 (Moodle lists them lowest first,
    comma-separated); none: the default framework's scale."""
    names = [v.strip() for v in values.split(",") if v.strip()]
    if not names:
        notices.append(_l("The file gives no scale: the framework uses the app's 0–4 scale."))
        default = db.session.scalars(
            select(ScaleLevel)
            .join(Framework, Framework.id == ScaleLevel.framework_id)
            .where(Framework.is_default.is_(True))
            .order_by(ScaleLevel.level)
        ).all()
        return [
            {"level": s.level, "name_th": s.name_th, "name_en": s.name_en} for s in default
        ] or [{"level": level, "name_th": str(level), "name_en": str(level)} for level in LEVELS]
    if len(names) != len(LEVELS):
        problems.add(
            number,
            MOODLE_HEADERS[5],
            _l(
                "Thaksa rates on five levels (0 to 4); this scale has %(num)d values. Give the "
                "framework a scale of five values, lowest first.",
                num=len(names),
            ),
        )
        return []
    scale = []
    for level, name in zip(LEVELS, names, strict=True):
        thai, english = _languages(name)
        scale.append({"level": level, "name_th": thai[:SCALE_NAME], "name_en": english})
    return scale


# -- writing ----------------------------------------------------------------------------------


def import_framework(
    read: FrameworkFile, *, code: str | None = None, by: Person | None, dry_run: bool = False
) -> Framework | None:
    """Add the framework read from a file (under `code` when given): never over one that
    exists, which cycles may use. Returns it (None on a dry run)."""
    data = dict(read.data)
    if code:
        data["code"] = code.strip()
    problems = Problems()
    if not CODE.match(data["code"]) or len(data["code"]) > FRAMEWORK_CODE:
        problems.add(
            0,
            "code",
            _l("At most %(num)d letters A–Z, digits, - _ or . (no spaces).", num=FRAMEWORK_CODE),
        )
    elif db.session.scalar(select(Framework.id).where(Framework.code == data["code"])):
        problems.add(
            0,
            "code",
            _l(
                "A framework with the code %(code)s exists already: give this one another code.",
                code=data["code"],
            ),
        )
    if problems:
        raise ImportRefused(problems)
    if dry_run:
        return None
    framework = load_framework_data(data, LoadReport())
    audit(
        "framework_imported",
        by,
        framework,
        framework=framework.code,
        file=read.kind,
        areas=read.areas,
        sub_skills=read.sub_skills,
    )
    return framework


def moodle_csv(framework: Framework) -> str:
    """The framework as Moodle's competency-framework CSV (UTF-8 with a byte-order mark, so a
    spreadsheet opens the Thai right): the framework row, then each area and its sub-skills.
    Names and descriptions go in Thai (Moodle keeps one text per field); a sub-skill whose code
    another one shares is numbered AREA.CODE, Moodle's ID numbers being unique per framework."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MOODLE_HEADERS)
    scale = ",".join(s.name_th.replace(",", " ") for s in framework.scale)
    config = [{"scaleid": "0"}] + [
        {"id": i, "scaledefault": int(i == 1), "proficient": int(s.level >= 2)}
        for i, s in enumerate(framework.scale, start=1)
    ]

    def row(parent, idnumber, name, description, *, is_framework=False, taxonomy=""):
        writer.writerow(
            [
                parent,
                idnumber,
                name,
                description or "",
                FORMAT_PLAIN,
                scale if is_framework else "",
                json.dumps(config) if is_framework else "",
                "",
                "",
                "",
                "",
                "",
                "1" if is_framework else "0",
                taxonomy,
            ]
        )

    row(
        "",
        framework.code,
        framework.name_th,
        framework.note_th,
        is_framework=True,
        taxonomy="competency,skill",
    )
    codes = [a.code for a in framework.areas] + [
        s.code for a in framework.areas for s in a.sub_skills
    ]
    for area in framework.areas:
        row("", area.code, area.name_th, area.description_th)
        for sub in area.sub_skills:
            shared = codes.count(sub.code) > 1
            row(area.code, f"{area.code}.{sub.code}" if shared else sub.code, sub.name_th, "")
    return out.getvalue()
