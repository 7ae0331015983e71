"""What the importers share: a problem (row, column, why), the outcome (what changes, kept as
plain data for the preview, the job record and the command line), the columns check and the
importing person's reach."""

import re
from dataclasses import asdict, dataclass, field

from flask_babel import lazy_gettext as _l

from lms.models import Person
from lms.permissions import is_admin, scope_units
from lms.rules import RuleError
from lms.vocab import Role

EMAIL = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"']+$")
SAMPLE = 200  # rows of each kind of change kept for the preview
HEADER_ROW = 1


@dataclass
class Problem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # "" for the whole row
    message: object  # a lazy message: rendered in the reader's language
    value: str = ""  # what the cell holds, as read

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "message": str(self.message),
            "value": self.value,
        }


class ImportRefused(RuleError):
    """The file has problems: nothing was written. `problems` lists every one, each with what
    its cell holds when `table` is given."""

    def __init__(self, problems: list[Problem], table=None):
        if table is not None:
            cells = dict(table.rows)
            for problem in problems:
                if problem.row != HEADER_ROW and problem.column:
                    problem.value = cells.get(problem.row, {}).get(problem.column, "")
        self.problems = sorted(problems, key=lambda p: (p.row, p.column))
        super().__init__(
            _l(
                "The file has %(num)d problem(s); nothing was written. Correct them and try again.",
                num=len(self.problems),
            )
        )


@dataclass
class Outcome:
    """What an import does (or did): counts and a sample of each kind of change."""

    kind: str  # units or people
    rows: int = 0
    new: list[dict] = field(default_factory=list)
    changed: list[dict] = field(
        default_factory=list
    )  # {"key", "name", "changes": [[col, before, after]]}
    moved: list[dict] = field(default_factory=list)  # {"key", "name", "before", "after"}
    deactivated: list[dict] = field(default_factory=list)
    reactivated: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # kind of change -> how many in all
    written: bool = False

    def note(self, what: str, entry: dict) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1
        kept = getattr(self, what, None)
        if isinstance(kept, list) and len(kept) < SAMPLE:
            kept.append(entry)

    def count(self, what: str) -> int:
        return self.counts.get(what, 0)

    @property
    def unchanged(self) -> int:
        return self.counts.get("unchanged", 0)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Outcome":
        return cls(**data)


class Problems(list):
    """Problems found so far, with the shortcut the checks use."""

    def add(self, row: int, column: str, message) -> None:
        self.append(Problem(row, column, message))


def check_columns(table, required: tuple[str, ...], optional: tuple[str, ...]) -> Problems:
    """Missing and unknown columns (row 1), and rows with cells past the last column."""
    problems = Problems()
    known = set(required) | set(optional)
    for name in required:
        if name not in table.columns:
            problems.add(HEADER_ROW, name, _l("This column is missing; it is required."))
    seen = set()
    for name in table.columns:
        if name in seen:
            problems.add(HEADER_ROW, name, _l("This column appears twice."))
        seen.add(name)
        if name and name not in known:
            problems.add(
                HEADER_ROW,
                name,
                _l(
                    "Unknown column. The columns of this file are: %(names)s.",
                    names=", ".join(required + optional),
                ),
            )
        elif not name:
            problems.add(HEADER_ROW, "", _l("A column has no name in the first row."))
    for number, values in table.rows:
        if values.pop("\x00extra", None):
            problems.add(number, "", _l("This row has more cells than the first row names."))
    return problems


def check_length(problems: Problems, row: int, column: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.add(row, column, _l("At most %(num)d characters.", num=limit))


@dataclass
class Reach:
    """Where the importing person may write: everywhere (an administrator, or the command
    line), or inside their HR subtrees."""

    everywhere: bool
    paths: tuple[str, ...] = ()

    def holds(self, path: str | None) -> bool:
        return self.everywhere or (path is not None and path.startswith(self.paths))


def reach_of(person: Person | None) -> Reach:
    if person is None or is_admin(person):
        return Reach(True)
    return Reach(False, tuple(u.path for u in scope_units(person, roles=(Role.HR,))))


def may_import(person: Person) -> bool:
    """Administrators, and HR of a unit subtree."""
    return is_admin(person) or bool(scope_units(person, roles=(Role.HR,)))
