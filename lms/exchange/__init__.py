"""Data exchange: units, people and courses imported from the HR system's files (CSV in UTF-8 or the
Thai Windows encoding, XLSX), checked row by row before anything is written, shown as a preview,
then written set-based in one transaction with the report summary kept exact."""

from lms.exchange.common import ImportRefused, Outcome, Problem
from lms.exchange.completions import import_completions
from lms.exchange.courses import import_courses
from lms.exchange.people import import_people
from lms.exchange.reading import FileRefused, Table, read_table
from lms.exchange.units import import_units

KINDS = {
    "units": import_units,
    "people": import_people,
    "courses": import_courses,
    "completions": import_completions,
}

__all__ = [
    "KINDS",
    "FileRefused",
    "ImportRefused",
    "Outcome",
    "Problem",
    "Table",
    "import_completions",
    "import_courses",
    "import_people",
    "import_units",
    "read_table",
]
