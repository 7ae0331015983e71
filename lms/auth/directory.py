"""Sign-in through the organisation's directory (LDAP or Active Directory), beside the app's
own passwords (PRODUCT.md section 1; README "Sign-in through the directory").

The app finds the entry with its service account (the user name escaped, so `*)(uid=*` is a
name like any other), refuses an entry the disabled filter matches, then binds as the entry with
the password typed: the directory says whether it is right, and the password is never stored.
The entry's match attribute (employee number or e-mail) names one person, who must still be here
and be allowed to sign in through the directory. Every refusal has a reason for the audit log;
the person is told only that the user name or password is not right (or that the directory is
not answering)."""

import logging
import math
import ssl
from dataclasses import dataclass

from flask import current_app
from ldap3 import BASE, NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from sqlalchemy import func, select

from lms.audit import audit
from lms.extensions import db
from lms.models import Person, Unit
from lms.text import clean_text

log = logging.getLogger(__name__)

MAX_NAME = 256  # characters of a user name sent to the directory


class DirectoryDown(Exception):
    """The directory did not answer in time, or refused the service account."""


@dataclass
class Answer:
    """What the directory said: the person, or why not (the audit's reason)."""

    person: Person | None = None
    refusal: str | None = None  # wrong_password, unknown_user, two_entries, disabled,
    #                             no_person, two_people, left, not_allowed, directory_down
    username: str = ""
    created: bool = False  # a person made from the entry (HR allows it for their unit)

    @property
    def down(self) -> bool:
        return self.refusal == "directory_down"


def configured() -> bool:
    return bool(current_app.config.get("LDAP_URL"))


def _server() -> Server:
    config = current_app.config
    url = config["LDAP_URL"]
    tls = None
    if url.startswith("ldaps://") or config["LDAP_START_TLS"]:
        tls = Tls(
            validate=ssl.CERT_REQUIRED,
            version=ssl.PROTOCOL_TLS_CLIENT,
            ca_certs_file=config.get("LDAP_CA_FILE") or None,
        )
    return Server(url, connect_timeout=_seconds(), get_info=NONE, tls=tls)


def _seconds() -> int:
    """LDAP_TIMEOUT as ldap3 takes it (whole seconds, at least one)."""
    return max(1, math.ceil(float(current_app.config["LDAP_TIMEOUT"])))


def _connect(server: Server, user: str, password: str) -> Connection:
    """A bound connection, or LDAPException (bind refused: `connection.result`)."""
    config = current_app.config
    connection = Connection(
        server,
        user=user,
        password=password,
        receive_timeout=_seconds(),
        raise_exceptions=False,
        read_only=True,
    )
    connection.open()
    if config["LDAP_URL"].startswith("ldap://") and config["LDAP_START_TLS"]:
        connection.start_tls()
    connection.bind()
    return connection


def check(username: str, password: str) -> Answer:
    """The person the directory signs in with these credentials, or why not. Someone the
    directory knows but Thaksa does not is created only where HR allows it for their unit."""
    username = clean_text(username)[:MAX_NAME]
    answer = Answer(username=username)
    if not username or not password:
        # An empty password would be an anonymous bind, which directories accept.
        answer.refusal = "wrong_password"
        return answer
    try:
        entry = _entry(username, password, answer)
    except DirectoryDown:
        answer.refusal = "directory_down"
        return answer
    if entry is None:
        return answer
    value = entry.get(current_app.config["LDAP_MATCH_ATTRIBUTE"], "")
    if not value:
        answer.refusal = "no_person"
        return answer
    match_person(value, current_app.config["LDAP_MATCH_FIELD"], answer, method="directory")
    if answer.refusal == "no_person":
        created = create_from_entry(entry)
        if created is not None:
            answer.person, answer.refusal, answer.created = created, None, True
    return answer


def _wanted_attributes() -> list[str]:
    config = current_app.config
    names = [config["LDAP_MATCH_ATTRIBUTE"]]
    if config.get("LDAP_UNIT_ATTRIBUTE"):
        names += [
            config["LDAP_UNIT_ATTRIBUTE"],
            config["LDAP_NAME_ATTRIBUTE"],
            config["LDAP_EMPLOYEE_NO_ATTRIBUTE"],
            config["LDAP_MAIL_ATTRIBUTE"],
        ]
    return list(dict.fromkeys(n for n in names if n))


def _entry(username: str, password: str, answer: Answer) -> dict[str, str] | None:
    """The entry's wanted attributes (single values, as text) when its password is right
    (None with the refusal set)."""
    config = current_app.config
    server = _server()
    try:
        service = _connect(server, config["LDAP_BIND_DN"], config["LDAP_BIND_PASSWORD"])
        if not service.bound:
            log.error("The directory refused the service account: %s", service.result)
            raise DirectoryDown
        found = service.search(
            config["LDAP_BASE_DN"],
            config["LDAP_USER_FILTER"].format(username=escape_filter_chars(username)),
            search_scope=SUBTREE,
            attributes=_wanted_attributes(),
            size_limit=2,
        )
        entries = list(service.entries) if found else []
        if len(entries) != 1:
            answer.refusal = "unknown_user" if not entries else "two_entries"
            return None
        entry = entries[0]
        if config["LDAP_DISABLED_FILTER"] and service.search(
            entry.entry_dn, config["LDAP_DISABLED_FILTER"], search_scope=BASE, attributes=[]
        ):
            answer.refusal = "disabled"
            return None
        service.unbind()
        person = _connect(server, entry.entry_dn, password)
        if not person.bound:
            answer.refusal = "wrong_password"  # locked accounts too: the directory refuses them
            return None
        person.unbind()
    except (LDAPException, OSError) as problem:
        log.warning("The directory did not answer: %s", type(problem).__name__)
        raise DirectoryDown from problem
    except Exception as problem:  # an answer ldap3 cannot read is no answer either
        log.warning("The directory's answer could not be read", exc_info=True)
        raise DirectoryDown from problem
    return {
        name: str(entry[name].values[0]).strip()
        for name in _wanted_attributes()
        if name in entry and len(entry[name].values) == 1
    }


def create_from_entry(entry: dict[str, str]) -> Person | None:
    """A new person from a directory entry, when the unit its LDAP_UNIT_ATTRIBUTE names (or a
    unit above it) lets the directory create people; None otherwise. They start in role group
    OTHER, without a supervisor, and HR completes their record (the importer's checks and
    writing, so their history and the reports are kept as for any new person)."""
    config = current_app.config
    unit_code = entry.get(config.get("LDAP_UNIT_ATTRIBUTE") or "", "")
    unit = (
        db.session.scalars(select(Unit).where(Unit.code == unit_code)).first()
        if unit_code
        else None
    )
    if unit is None or not creates_people(unit):
        return None
    from lms.exchange import ImportRefused, Table, import_people
    from lms.exchange.people import COLUMNS

    row = dict.fromkeys(COLUMNS, "")
    row.update(
        employee_no=entry.get(config["LDAP_EMPLOYEE_NO_ATTRIBUTE"], ""),
        email=entry.get(config["LDAP_MAIL_ATTRIBUTE"], ""),
        name_th=entry.get(config["LDAP_NAME_ATTRIBUTE"], ""),
        role_group=NEW_ROLE_GROUP,
        unit_code=unit.code,
    )
    try:
        import_people(Table(columns=list(COLUMNS), rows=[(2, row)]), by=None, audited=False)
    except ImportRefused as refused:
        log.warning("A directory entry could not become a person: %s", refused.problems[:3])
        return None
    person = db.session.scalars(
        select(Person).where(Person.employee_no == row["employee_no"])
    ).one()
    audit("person_added", None, person, via="directory", unit=unit.code)
    return person


NEW_ROLE_GROUP = "OTHER"  # people the directory creates, until HR sets theirs


def creates_people(unit: Unit) -> bool:
    """Does `unit` (or the nearest unit above it with a setting) let the directory create the
    people it knows but Thaksa does not?"""
    return nearest_setting(unit, Unit.directory_creates, default=False)


def nearest_setting(unit: Unit | None, column, *, default):
    """`column`'s value on `unit`, or on the nearest unit above it where it is set (one
    statement for the whole path); `default` where none is."""
    ids = unit.ancestor_ids() if unit is not None else []
    if not ids:
        return default
    found = dict(
        db.session.execute(
            select(Unit.id, column).where(Unit.id.in_(ids), column.is_not(None))
        ).all()
    )
    return next((found[i] for i in reversed(ids) if i in found), default)


def match_person(value: str, field: str, answer: Answer, *, method: str) -> Answer:
    """The one person whose employee number or e-mail (`field`) is `value`, if they are here
    and may sign in by `method` (directory or sso); else the refusal."""
    column = func.lower(Person.email) if field == "email" else Person.employee_no
    wanted = value.lower() if field == "email" else value
    people = list(db.session.scalars(select(Person).where(column == wanted).limit(2)))
    if len(people) != 1:
        answer.refusal = "no_person" if not people else "two_people"
        return answer
    person = people[0]
    if not person.is_active:
        answer.refusal = "left"
    elif not signs_in_with(person, method):
        answer.refusal = "not_allowed"
    else:
        answer.person = person
    return answer


SIGN_IN = ("both", "directory", "local")  # a person's (or a unit's) way in


def sign_in_of(person: Person) -> str:
    """How `person` signs in: their own setting, else the nearest unit's up the tree, else
    both (the directory and a local password)."""
    return person.sign_in or nearest_setting(person.unit, Unit.sign_in, default="both")


def signs_in_with(person: Person, method: str) -> bool:
    """May `person` sign in by `method`: "local" (a password kept here), "directory" or "sso"
    (the organisation's directory or its single sign-on, one setting for both)?"""
    way = sign_in_of(person)
    if way == "both":
        return True
    return way == ("local" if method == "local" else "directory")
