"""People, their roles and scopes, and their unit history."""

import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    event,
    inspect,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from lms.clock import today
from lms.extensions import db
from lms.models.common import utcnow
from lms.models.framework import RoleGroup
from lms.models.org import Unit
from lms.text import fold
from lms.vocab import Role, sql_in


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


# Byte order on PostgreSQL too (SQLite's default): "/" sorts just before "0" (lms.models.lines).
LINE = String(600).with_variant(String(600, collation="C"), "postgresql")

SIGN_IN_CHECK = "sign_in IS NULL OR sign_in IN ('both', 'directory', 'local')"


def search_key_of(fields) -> str:
    """What a person is searched by: `fields` is a Person or a dict of its columns."""
    get = fields.get if isinstance(fields, dict) else (lambda name: getattr(fields, name, None))
    return fold(" ".join(str(get(name) or "") for name in SEARCHED))[:800]


SEARCHED = ("name_th", "name_en", "display_name", "employee_no", "email")


def still_here(who=None) -> ColumnElement[bool]:
    """SQL for Person.is_active: `who` (Person or an alias of it) has not left by today."""
    who = who if who is not None else Person
    return or_(who.deactivated_on.is_(None), who.deactivated_on > today())


def gone(who=None) -> ColumnElement[bool]:
    """SQL: `who` (Person or an alias of it) has left: their deactivation date has come."""
    who = who if who is not None else Person
    return who.deactivated_on <= today()


class Person(UserMixin, db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str | None] = mapped_column(String(255), unique=True)  # not everyone has one
    name_th: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(120))
    position_th: Mapped[str | None] = mapped_column(String(255))
    role_group_id: Mapped[int] = mapped_column(ForeignKey("role_groups.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    locale: Mapped[str] = mapped_column(String(5), default="th")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Part of every session and "keep me logged in" cookie; a new one ends them all (log-out,
    # password change, deactivation, a change of roles).
    session_token: Mapped[str | None] = mapped_column(String(64), default=new_session_token)
    deactivated_on: Mapped[date | None]
    # How they sign in: "directory", "local" (a password kept here) or "both"; NULL: as their
    # unit says (lms.auth.directory.sign_in_of).
    sign_in: Mapped[str | None] = mapped_column(String(10))
    # Names, number and e-mail folded for search (lms.text.fold: case, tone marks and either
    # form of sara am do not matter); kept by the ORM events below and by the importers.
    search_key: Mapped[str] = mapped_column(String(800), default="", server_default="")
    # The ids from the top of their reporting line down to themselves ("/1/57/203/"), kept by
    # lms.models.lines: everyone below someone is one indexed range.
    line: Mapped[str] = mapped_column(LINE, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    role_group: Mapped[RoleGroup] = relationship()
    unit: Mapped[Unit] = relationship()
    supervisor: Mapped["Person | None"] = relationship(remote_side=[id])
    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("locale IN ('th', 'en')", name="locale_known"),
        CheckConstraint(SIGN_IN_CHECK, name="sign_in_known"),
        Index("ix_people_line", "line"),
        # who reports to whom, with what a reviewer's inbox filters and joins on: the people
        # below a hundred supervisors come from the index alone (PostgreSQL)
        Index(
            "ix_people_supervisor_id",
            "supervisor_id",
            postgresql_include=["id", "deactivated_on", "unit_id"],
        ),
        Index("ix_people_name", "name_th", "id"),  # a big team's page in name order
        # the few with a leaving date still to come, whom the team counts leave out (lines.py)
        Index(
            "ix_people_leaving",
            "deactivated_on",
            "line",
            postgresql_where=text("deactivated_on IS NOT NULL"),
            sqlite_where=text("deactivated_on IS NOT NULL"),
        ),
    )

    def get_id(self) -> str:  # Flask-Login: the alternative id kept in the cookies
        if not self.session_token:
            self.session_token = new_session_token()
        return f"{self.id}.{self.session_token}"

    def end_sessions(self) -> None:
        """Every session and remembered log-in of this person ends."""
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:
        """Still here today: not deactivated, or deactivated from a day still to come (the
        deactivation date is the first day they are gone). Flask-Login refuses log-in
        otherwise."""
        return self.deactivated_on is None or self.deactivated_on > today()

    def name(self, locale: str = "th") -> str:
        """What to call this person on screen."""
        if self.display_name:
            return self.display_name
        return (self.name_en if locale == "en" else None) or self.name_th

    def official_name(self, locale: str = "th") -> str:
        """The name on record (never the self-chosen display name): what supervisors, HR and
        reports show."""
        return (self.name_en if locale == "en" else None) or self.name_th

    def role_codes(self) -> set[str]:
        """Every role this person holds; everyone is staff."""
        return {Role.STAFF.value} | {r.role for r in self.roles}

    def __repr__(self) -> str:
        return f"<Person {self.employee_no}>"


class RoleAssignment(db.Model):
    """A role held by a person; HR and executive roles name the unit subtree they cover."""

    __tablename__ = "role_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    person: Mapped[Person] = relationship(back_populates="roles")
    scope_unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        UniqueConstraint("person_id", "role", "scope_unit_id"),
        CheckConstraint(sql_in("role", Role), name="role_known"),
    )


class UnitMembership(db.Model):
    """Where a person belonged, and in which role group, from `valid_from` until `valid_to`.

    Kept when people move, so that reports count each person in the unit they belonged to on
    a cycle's last day and their development history follows them.
    """

    __tablename__ = "unit_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    role_group_id: Mapped[int] = mapped_column(ForeignKey("role_groups.id"))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]  # exclusive; NULL while current

    unit: Mapped[Unit] = relationship()
    role_group: Mapped[RoleGroup] = relationship()

    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_from < valid_to", name="dates_ordered"),
        Index("ix_unit_memberships_person_dates", "person_id", "valid_from"),
        Index("ix_unit_memberships_unit", "unit_id"),
    )


@event.listens_for(Session, "before_flush")
def _end_sessions_on_access_changes(session, _context, _instances) -> None:
    """Deactivation and any change of roles end the person's sessions at once."""
    with session.no_autoflush:
        _end_sessions_of_changed(session)


def _end_sessions_of_changed(session) -> None:
    for obj in session.dirty:
        if (
            isinstance(obj, Person)
            and inspect(obj).attrs.deactivated_on.history.has_changes()
            and not obj.is_active  # a date still to come ends them on that day (load_user)
        ):
            obj.end_sessions()
    for obj in list(session.new) + list(session.deleted):
        if isinstance(obj, RoleAssignment):
            person = obj.person or (session.get(Person, obj.person_id) if obj.person_id else None)
            if person is not None and person not in session.new:
                person.end_sessions()


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _keep_search_key(_mapper, _connection, person: Person) -> None:
    person.search_key = search_key_of(person)
