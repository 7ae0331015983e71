"""Units from a file: `code, name_th, name_en, parent_code` (PRODUCT.md section 6).

Every row is checked first (required cells, duplicate codes, unknown parents, circles, the
importing HR officer's subtree); with any problem nothing is written. Then new units are
inserted, names and parents updated, and every path that changed is rewritten, set-based: a unit
moved under another parent keeps its people and their history, and reports follow its new path.
"""

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update

from lms.audit import audit
from lms.exchange.common import (
    HEADER_ROW,
    ImportRefused,
    Outcome,
    Problems,
    check_columns,
    check_length,
    reach_of,
)
from lms.exchange.reading import Table
from lms.extensions import db
from lms.models import Person, ReportState, Unit
from lms.permissions import scope_units
from lms.reports.summary import rebuild_hours
from lms.vocab import Role

REQUIRED = ("code", "name_th")
OPTIONAL = ("name_en", "parent_code")
COLUMNS = REQUIRED + OPTIONAL
CODE_LENGTH = 40
NAME_LENGTH = 255


def import_units(
    table: Table,
    *,
    by: Person | None,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
    **_options,
) -> Outcome:
    """Check every row of `table`, then (unless `dry_run`) write them; raises ImportRefused
    with every problem, having written nothing. `by` None is the command line (everywhere)."""
    problems = check_columns(table, REQUIRED, OPTIONAL)
    if any(p.row == HEADER_ROW for p in problems):
        raise ImportRefused(problems, table)
    existing = {
        code: (uid, name_th, name_en, parent_id, path)
        for uid, code, name_th, name_en, parent_id, path in db.session.execute(
            select(Unit.id, Unit.code, Unit.name_th, Unit.name_en, Unit.parent_id, Unit.path)
        )
    }
    code_of = {row[0]: code for code, row in existing.items()}
    rows = _rows(table, problems)
    has_parent = "parent_code" in table.columns
    parent_of = {code: code_of.get(row[3]) for code, row in existing.items()}
    for code, (number, _th, _en, parent) in rows.items():
        if not has_parent and code in existing:
            continue
        if parent and parent not in rows and parent not in existing:
            problems.add(number, "parent_code", _l("No unit has this code, here or in the file."))
            parent = None
        parent_of[code] = parent or None
    _check_circles(rows, parent_of, problems)
    _check_reach(by, rows, existing, parent_of, problems)
    if problems:
        raise ImportRefused(problems, table)
    outcome = _outcome(rows, existing, parent_of, code_of)
    if progress:
        progress(0.5)
    if not dry_run:
        _write(rows, existing, parent_of, outcome)
        audit("import_units", by, None, rows=outcome.rows, **outcome.counts)
        outcome.written = True
    if progress:
        progress(1.0)
    return outcome


def _rows(table: Table, problems: Problems) -> dict[str, tuple]:
    rows: dict[str, tuple] = {}
    for number, values in table.rows:
        code = values.get("code", "")
        name_th = values.get("name_th", "")
        for column, value in (("code", code), ("name_th", name_th)):
            if not value:
                problems.add(number, column, _l("Required: this cell is empty."))
        check_length(problems, number, "code", code, CODE_LENGTH)
        for column in ("name_th", "name_en"):
            check_length(problems, number, column, values.get(column, ""), NAME_LENGTH)
        if not code:
            continue
        if code in rows:
            problems.add(number, "code", _l("This code is also on row %(row)d.", row=rows[code][0]))
            continue
        rows[code] = (number, name_th, values.get("name_en") or None, values.get("parent_code", ""))
    return rows


def _check_circles(rows: dict, parent_of: dict, problems: Problems) -> None:
    for code, row in rows.items():
        seen = [code]
        parent = parent_of.get(code)
        while parent is not None and parent not in seen and len(seen) <= len(parent_of):
            seen.append(parent)
            parent = parent_of.get(parent)
        if parent is not None and parent in seen:
            circle = " → ".join([*seen[seen.index(parent) :], parent])
            problems.add(row[0], "parent_code", _l("This makes a circle: %(units)s.", units=circle))


def _check_reach(by, rows, existing, parent_of, problems: Problems) -> None:
    """HR writes only inside their subtrees: every unit of the file stays or lands below one of
    their scope units, and the scope units themselves stay where they are."""
    reach = reach_of(by)
    if reach.everywhere:
        return
    scope_codes = {u.code for u in scope_units(by, roles=(Role.HR,))}
    outside = _l(
        "This unit is outside the units you are HR of: only an administrator can change it."
    )
    for code, (number, *_rest) in rows.items():
        if code in existing and not reach.holds(existing[code][4]):
            problems.add(number, "code", outside)
            continue
        if code in scope_codes:
            before = existing[code][3]
            after = parent_of.get(code)
            if before is not None and after is not None and _id_of(existing, after) != before:
                problems.add(number, "parent_code", outside)
            continue
        chain, parent = [], parent_of.get(code)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = parent_of.get(parent)
        if not scope_codes.intersection(chain):
            problems.add(
                number,
                "parent_code",
                _l("The parent must be one of the units you are HR of, or below one."),
            )


def _id_of(existing, code):
    return existing[code][0] if code in existing else None


def _outcome(rows, existing, parent_of, code_of) -> Outcome:
    outcome = Outcome(kind="units", rows=len(rows))
    for code, (_number, name_th, name_en, _parent) in rows.items():
        if code not in existing:
            outcome.note("new", {"key": code, "name": name_th, "parent": parent_of.get(code)})
            continue
        _uid, old_th, old_en, old_parent_id, _path = existing[code]
        changes = [
            [column, before, after]
            for column, before, after in (
                ("name_th", old_th, name_th),
                ("name_en", old_en, name_en),
            )
            if (before or None) != (after or None)
        ]
        before_parent, after_parent = code_of.get(old_parent_id), parent_of.get(code)
        if before_parent != after_parent:
            outcome.note(
                "moved",
                {"key": code, "name": name_th, "before": before_parent, "after": after_parent},
            )
        if changes:
            outcome.note("changed", {"key": code, "name": name_th, "changes": changes})
        if not changes and before_parent == after_parent:
            outcome.note("unchanged", {"key": code})
    return outcome


def _write(rows, existing, parent_of, outcome: Outcome) -> None:
    fresh = [
        {"code": code, "name_th": th, "name_en": en, "path": "", "depth": 0}
        for code, (_n, th, en, _p) in rows.items()
        if code not in existing
    ]
    ids = {code: row[0] for code, row in existing.items()}
    if fresh:
        ids.update(
            {
                code: uid
                for uid, code in db.session.execute(
                    insert(Unit).returning(Unit.id, Unit.code), fresh
                )
            }
        )
    changed = [
        {"id": ids[code], "name_th": th, "name_en": en, "parent_id": ids.get(parent_of.get(code))}
        for code, (_n, th, en, _p) in rows.items()
        if code not in existing
        or (existing[code][1], existing[code][2], existing[code][3])
        != (th, en, ids.get(parent_of.get(code)))
    ]
    if changed:
        db.session.execute(update(Unit), changed)
    if rewrite_paths():
        # a unit under another parent: its people now count in other subtrees' hours
        for cycle_id in db.session.scalars(select(ReportState.cycle_id)):
            rebuild_hours(cycle_id)
    db.session.expire_all()


def rewrite_paths() -> int:
    """Every unit's materialised path and depth from its parent (those that changed are
    rewritten in one statement); returns how many changed."""
    units = db.session.execute(select(Unit.id, Unit.parent_id, Unit.path, Unit.depth)).all()
    children: dict[int | None, list[int]] = {}
    for uid, parent_id, _path, _depth in units:
        children.setdefault(parent_id, []).append(uid)
    paths: dict[int, tuple[str, int]] = {}
    todo = [(uid, "/", 0) for uid in children.get(None, [])]
    while todo:
        uid, above, depth = todo.pop()
        path = f"{above}{uid}/"
        paths[uid] = (path, depth)
        todo.extend((child, path, depth + 1) for child in children.get(uid, []))
    moved = [
        {"id": uid, "path": paths[uid][0], "depth": paths[uid][1]}
        for uid, _parent, path, depth in units
        if uid in paths and (path, depth) != paths[uid]
    ]
    if moved:
        db.session.execute(update(Unit), moved)
    return len(moved)
