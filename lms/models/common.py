"""Column helpers shared by the models: time stamps and bounded levels."""

from sqlalchemy import CheckConstraint
from sqlalchemy.orm import Mapped

from lms.clock import utcnow

__all__ = ["LEVEL_MAX", "LEVEL_MIN", "Localised", "level_check", "utcnow"]

LEVEL_MIN = 0
LEVEL_MAX = 4


def level_check(column: str, name: str | None = None) -> CheckConstraint:
    """A database check that `column` is NULL or within the 0-4 scale."""
    return CheckConstraint(
        f"{column} IS NULL OR ({column} >= {LEVEL_MIN} AND {column} <= {LEVEL_MAX})",
        name=name or f"{column}_range",
    )


class Localised:
    """Mixin for rows that carry `name_th` and `name_en`."""

    name_th: Mapped[str]
    name_en: Mapped[str | None]

    def name(self, locale: str = "th") -> str:
        """The name in `locale`, falling back to Thai."""
        return (self.name_en if locale == "en" else None) or self.name_th


def insert_skipping(table, columns: list[str]):
    """INSERT … ON CONFLICT (`columns`) DO NOTHING, in the session's database's own words:
    rows another transaction wrote meanwhile under the same unique key are left out."""
    from lms.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=columns)
