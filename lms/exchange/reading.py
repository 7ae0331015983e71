"""A file from the HR system as a table: CSV (UTF-8 with or without BOM, or the Thai Windows
encoding cp874/TIS-620 that Thai HR systems and Excel still write) or XLSX (the first sheet or a
named one). Rows keep the number a spreadsheet shows (the header is row 1); cell values stay
text: a cell such as `=cmd|...` is a name like any other, never a formula."""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from lms.rules import RuleError
from lms.text import without_controls

ENCODINGS = ("utf-8", "cp874")  # cp874 is TIS-620 with the Windows additions
DELIMITERS = (",", ";", "\t")
MAX_COLUMNS = 60
MAX_CELL = 1000  # characters: longer is not a name, a code or an e-mail


class FileRefused(RuleError):
    """The file cannot be read as a table (not CSV or XLSX, unknown encoding, no header)."""


@dataclass
class Table:
    """The file's header (normalised column names) and its rows, each as (row number as a
    spreadsheet shows it, {column: text})."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    encoding: str | None = None  # CSV only: the encoding it was read in
    sheet: str | None = None  # XLSX only


def column_name(text) -> str:
    """A header cell as a column name: trimmed, lower case, spaces as underscores."""
    return "_".join(str(text or "").replace("\ufeff", "").strip().lower().split())


def read_table(data: bytes, *, sheet: str | None = None, encoding: str | None = None) -> Table:
    """The table in `data` (XLSX when it is a zip, else CSV in `encoding` or the one detected)."""
    if not data.strip():
        raise FileRefused(_l("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, sheet)
    if b"\x00" in data[:8192]:
        raise FileRefused(
            _l("This is neither a CSV file nor an Excel workbook (.xlsx). Save it as one of them.")
        )
    return _read_csv(_decode(data, encoding))


def _decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    tried = [encoding] if encoding else list(ENCODINGS)
    for name in tried:
        try:
            text = data.decode("utf-8-sig" if name == "utf-8" else name)
        except (UnicodeDecodeError, LookupError):
            continue
        return text, name
    if encoding:
        raise FileRefused(
            _l(
                "The file cannot be read as %(encoding)s. Choose 'detect' or the other encoding.",
                encoding=encoding,
            )
        )
    raise FileRefused(
        _l(
            "The file's encoding is neither UTF-8 nor Thai Windows (TIS-620). In Excel choose "
            "'Save as' and 'CSV UTF-8', then try again."
        )
    )


def _read_csv(decoded: tuple[str, str]) -> Table:
    text, encoding = decoded
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise FileRefused(
            _l("The file is not a readable CSV file (%(why)s).", why=str(exc))
        ) from exc
    return _table(enumerate(records, start=1), encoding=encoding)


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileRefused(
            _l("This is not an Excel workbook (.xlsx) that can be read. Save it again as .xlsx.")
        ) from exc
    try:
        if sheet:
            if sheet not in book.sheetnames:
                raise FileRefused(
                    _l(
                        "The workbook has no sheet named %(name)s; its sheets are: %(names)s.",
                        name=sheet,
                        names=", ".join(book.sheetnames),
                    )
                )
            worksheet = book[sheet]
        else:
            worksheet = book.worksheets[0]
        rows = (
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        )
        return _table(rows, sheet=worksheet.title)
    finally:
        book.close()


def _cell_text(value) -> str:
    """A cell's value as the text the spreadsheet shows (its saved result for a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _table(records, **about) -> Table:
    table = None
    for number, cells in records:
        if table is None:
            columns = [column_name(c) for c in cells]
            while columns and not columns[-1]:
                columns.pop()
            if not columns:
                continue  # blank lines above the header
            if len(columns) > MAX_COLUMNS:
                raise FileRefused(
                    _l(
                        "The first row must name the columns; this one has %(num)d.",
                        num=len(columns),
                    )
                )
            table = Table(columns=columns, **about)
            continue
        values = [without_controls(str(c)).strip()[:MAX_CELL] for c in cells]
        if not any(values):
            continue
        table.rows.append((number, dict(zip(table.columns, values, strict=False))))
        if len(values) > len(table.columns) and any(values[len(table.columns) :]):
            table.rows[-1][1]["\x00extra"] = "1"  # cells beyond the header: reported per row
    if table is None:
        raise FileRefused(_l("The file has no header row."))
    return table
