"""Organisation units: a tree (BMA -> department/district -> division -> section).

Each unit stores its materialised path ("/1/7/42/") so that a whole subtree is one indexed
prefix query, whatever its depth.
"""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.common import Localised


def path_ids(path: str) -> list[int]:
    """The unit ids of a materialised path ("/1/7/42/" gives [1, 7, 42]), root first."""
    return [int(part) for part in path.strip("/").split("/") if part]


class Unit(Localised, db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_th: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(500), default="")
    depth: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # How its people sign in ("directory", "local" or "both"), for those who have no setting of
    # their own; NULL: as the unit above says (lms.auth.directory.sign_in_of).
    sign_in: Mapped[str | None] = mapped_column(String(10))
    # May someone the directory knows, whose entry names this unit, be created when they first
    # sign in? NULL: as the unit above says (lms.auth.directory.creates_people).
    directory_creates: Mapped[bool | None]

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.code")

    __table_args__ = (
        Index("ix_units_path_prefix", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
        CheckConstraint(
            "sign_in IS NULL OR sign_in IN ('both', 'directory', 'local')", name="sign_in_known"
        ),
    )

    def contains(self, other: "Unit") -> bool:
        """True when `other` is this unit or below it."""
        return bool(other.path) and other.path.startswith(self.path)

    def ancestor_ids(self) -> list[int]:
        """The ids on this unit's path, from the root down to the unit itself."""
        return path_ids(self.path)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
