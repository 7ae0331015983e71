"""Ways into an account without a password yet, or with a forgotten one: HR invites a person
or resets their password, as an e-mailed link or a printed one-time code; a person asks for a
reset link by e-mail. Each works once, until it expires; a newer one replaces the older; every
step is audited. A secret is shown once and only its hash is kept."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from lms.audit import audit
from lms.auth.services import find_by_login, password_problem, set_password
from lms.clock import utcnow
from lms.extensions import db
from lms.models import AccountToken, Person, Unit, still_here
from lms.notifications import Mail, send_mail
from lms.rules import RuleError

LIFETIME = timedelta(days=7)  # an invitation or a reset HR gives
SELF_SERVICE_LIFETIME = timedelta(hours=2)  # a reset link a person asks for themselves
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed
CODE_LENGTH = 12


class AccountError(RuleError):
    """An invitation or reset cannot be given or used as asked."""


@dataclass
class Issued:
    """A way in just made: its row, the secret (shown once), and whether it was e-mailed."""

    token: AccountToken
    secret: str
    mailed: bool = False


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _normal_code(code: str) -> str:
    """A printed code as typed: any case, with or without the dashes and spaces."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def pretty_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issue(
    person: Person,
    purpose: str,
    *,
    by: Person | None,
    kind: str = "link",
    lifetime: timedelta = LIFETIME,
) -> Issued:
    """A new invitation ("invite") or reset ("reset") for `person`, replacing any open one of
    the same purpose; a link is e-mailed when mail is set up and the person has an address."""
    if not person.is_active:
        raise AccountError(_l("This person has left: their account cannot be opened."))
    now = utcnow()
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.person_id == person.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    if kind == "code":
        secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        stored = _digest(f"{person.id}:{secret}")
    else:
        secret = secrets.token_urlsafe(32)
        stored = _digest(secret)
    token = AccountToken(
        person_id=person.id,
        purpose=purpose,
        kind=kind,
        secret_hash=stored,
        created_by_id=by.id if by else None,
        expires_at=now + lifetime,
    )
    db.session.add(token)
    db.session.flush()
    audit(f"account_{purpose}_issued", by, person, kind=kind, token_id=token.id)
    issued = Issued(token=token, secret=secret)
    if kind == "link":
        issued.mailed = _mail_link(person, purpose, secret, lifetime)
    return issued


def _mail_link(person: Person, purpose: str, secret: str, lifetime: timedelta) -> bool:
    """E-mail the link in the person's language; False when mail is off or it failed (the one
    who issued it then hands the link over another way)."""
    if current_app.config.get("MAIL_BACKEND", "none") == "none" or not person.email:
        return False
    base = current_app.config["BASE_URL"].rstrip("/")
    link = f"{base}/account/{secret}"
    days = max(int(lifetime.total_seconds() // 86400), 0)
    with force_locale(person.locale if person.locale in ("th", "en") else "th"):
        if purpose == "invite":
            subject = str(_l("Thaksa: set your password"))
            first = str(
                _l(
                    "Your unit invites you to Thaksa, where you assess and develop your digital "
                    "skills. Set your password with this link:"
                )
            )
        else:
            subject = str(_l("Thaksa: a new password"))
            first = str(
                _l(
                    "Someone asked for a new password for your Thaksa account. Set it with "
                    "this link:"
                )
            )
        lasts = (
            str(_l("The link works once, for %(days)d days.", days=days))
            if days
            else str(
                _l("The link works once, for two hours. If you did not ask for it, do nothing.")
            )
        )
    try:
        send_mail(Mail(to=person.email, subject=subject, body=f"{first}\n\n{link}\n\n{lasts}\n"))
    except Exception:
        current_app.logger.warning("Could not e-mail the account link", exc_info=True)
        return False
    return True


def open_ways_for(person: Person) -> list[AccountToken]:
    """The person's invitations and resets that still work (for HR's page)."""
    return list(
        db.session.scalars(
            select(AccountToken)
            .where(
                AccountToken.person_id == person.id,
                AccountToken.used_at.is_(None),
                AccountToken.expires_at > utcnow(),
            )
            .order_by(AccountToken.created_at.desc())
        )
    )


def find_link(secret: str | None) -> tuple[AccountToken | None, str]:
    """The token a link names, and its state: "ok", "used", "expired" or "unknown"."""
    if not secret or len(secret) > 100:
        return None, "unknown"
    token = db.session.scalars(
        select(AccountToken).where(
            AccountToken.secret_hash == _digest(secret), AccountToken.kind == "link"
        )
    ).first()
    return token, _state(token)


def find_code(identifier: str | None, code: str | None) -> tuple[AccountToken | None, str]:
    """The token a printed code names for the person typed (employee number or e-mail)."""
    person = find_by_login(identifier or "")
    normal = _normal_code(code)
    if person is None or len(normal) != CODE_LENGTH:
        return None, "unknown"
    token = db.session.scalars(
        select(AccountToken).where(
            AccountToken.secret_hash == _digest(f"{person.id}:{normal}"),
            AccountToken.kind == "code",
        )
    ).first()
    return token, _state(token)


def _state(token: AccountToken | None) -> str:
    if token is None:
        return "unknown"
    if token.used_at is not None:
        return "used"
    if token.expires_at <= utcnow() or not token.person.is_active:
        return "expired"
    return "ok"


def redeem(token: AccountToken, password: str, confirm: str) -> Person:
    """Set the person's password with an open token, which then works no more."""
    if _state(token) != "ok":
        raise AccountError(_l("This link or code no longer works."))
    person = token.person
    errors: dict = {}
    problem = password_problem(password, hints=(person.email, person.employee_no, person.name_th))
    if problem:
        errors["new"] = problem
    elif password != confirm:
        errors["confirm"] = _l("The two passwords are not the same.")
    if errors:
        raise AccountError(
            _l("Please check the highlighted answers. Nothing was saved yet."), errors
        )
    claimed = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:  # a second tab used it a moment ago
        raise AccountError(_l("This link or code no longer works."))
    set_password(person, password)
    audit(f"account_{token.purpose}_used", person, person, token_id=token.id, kind=token.kind)
    db.session.flush()
    return person


def forgot(identifier: str) -> None:
    """A person asks for a reset link: e-mailed when the account exists, is active and has an
    address and mail is set up. The caller answers the same whatever happened here."""
    person = find_by_login((identifier or "").strip())
    if person is None or not person.is_active or not person.email:
        return
    if current_app.config.get("MAIL_BACKEND", "none") == "none":
        return
    issue(person, "reset", by=None, lifetime=SELF_SERVICE_LIFETIME)


# -- everyone in a unit without an account ---------------------------------------------------

MAX_BULK_INVITES = 200  # people invited in one request; the page offers the next ones


def without_account_query(unit):
    """People still here in `unit`'s subtree who never set a password and have no invitation
    that still works (as a SELECT of Person, by employee number)."""
    open_invite = (
        select(AccountToken.id)
        .where(
            AccountToken.person_id == Person.id,
            AccountToken.purpose == "invite",
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
        .exists()
    )
    return (
        select(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .where(
            Unit.path.startswith(unit.path),
            Person.password_hash.is_(None),
            still_here(),
            ~open_invite,
        )
        .order_by(Person.employee_no)
    )


@dataclass
class BulkInvites:
    """What inviting a unit did: links e-mailed, codes to print (person, code), and how many
    are still left for a next run."""

    mailed: list = field(default_factory=list)
    codes: list = field(default_factory=list)
    left: int = 0


def invite_unit(unit, *, by: Person) -> BulkInvites:
    """Invite up to MAX_BULK_INVITES people of `unit` without an account: an e-mailed link for
    those with an address (when mail is set up), a printed code for the others."""
    people = list(db.session.scalars(without_account_query(unit).limit(MAX_BULK_INVITES + 1)))
    result = BulkInvites()
    mail_on = current_app.config.get("MAIL_BACKEND", "none") != "none"
    for person in people[:MAX_BULK_INVITES]:
        if mail_on and person.email:
            issued = issue(person, "invite", by=by, kind="link")
            if issued.mailed:
                result.mailed.append(person)
                continue  # not delivered: a code replaces the link below
        issued = issue(person, "invite", by=by, kind="code")
        result.codes.append((person, pretty_code(issued.secret), issued.token.expires_at))
    if len(people) > MAX_BULK_INVITES:
        total = db.session.scalar(
            select(func.count()).select_from(without_account_query(unit).subquery())
        )
        result.left = total
    audit("account_unit_invited", by, unit, mailed=len(result.mailed), codes=len(result.codes))
    return result
