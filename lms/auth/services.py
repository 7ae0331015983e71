"""Password hashing (Argon2), authentication, and where log-in may send a person next."""

import hashlib
import hmac
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from zxcvbn import zxcvbn

from lms.auth.directory import signs_in_with
from lms.clock import utcnow
from lms.extensions import db
from lms.models import Person, RoleAssignment
from lms.text import clean_text

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
MIN_PASSWORD_SCORE = 3  # zxcvbn: 3 = "safely unguessable" against online attacks

_hashers: dict[bool, PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    # Tests use cheap parameters; everything else gets argon2-cffi's recommended ones.
    fast = bool(current_app.config.get("PASSWORD_HASH_FAST"))
    if fast not in _hashers:
        _hashers[fast] = (
            PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
            if fast
            else PasswordHasher()
        )
    return _hashers[fast]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def set_password(person: Person, password: str) -> None:
    """A new password; every session and remembered log-in with the old one ends."""
    person.password_hash = hash_password(password)
    person.end_sessions()


def password_problem(password: str | None, *, hints: tuple[str, ...] = ()) -> str | None:
    """Why `password` is not good enough (a lazy message), or None. `hints` are the person's
    own words (name, e-mail, employee number): a password made of them is easy to guess."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l(
            "Use at least %(num)d characters. A few words that do not belong together are easy "
            "to remember and hard to guess.",
            num=MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("Use at most %(num)d characters.", num=MAX_PASSWORD_LENGTH)
    words = [w for hint in hints if hint for w in str(hint).replace("@", " ").split()]
    if zxcvbn(password[:100], user_inputs=words)["score"] < MIN_PASSWORD_SCORE:
        return _l(
            "This password is easy to guess (a common word, a name, a date or a pattern such as "
            "1234 or aaaa). Try three or four words that do not belong together."
        )
    return None


def check_password(person: Person | None, password: str) -> bool:
    """Verify `password`; spends the same work when the person is unknown."""
    hasher = _hasher()
    if person is None or not person.password_hash:
        hasher.hash(password)  # keep the timing of unknown accounts like known ones
        return False
    try:
        hasher.verify(person.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(person.password_hash):
        person.password_hash = hasher.hash(password)
    return True


def fingerprint(identifier: str | None) -> str:
    """A log-safe stand-in for what was typed as a log-in: the same for the same account name,
    never the e-mail or employee number itself."""
    digest = hashlib.sha256(clean_text(identifier).lower().encode()).hexdigest()
    return f"id:{digest[:12]}"


# -- devices that logged in before ------------------------------------------------------------

DEVICE_COOKIE = "thaksa_device"
DEVICE_DAYS = 180


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _password_mark(person: Person) -> str:
    """A short mark of the person's password hash: a new password forgets every device."""
    return hashlib.sha256((person.password_hash or "").encode()).hexdigest()[:16]


def device_mark(person: Person) -> str:
    """The signed value of the cookie a browser keeps after `person` logged in with it."""
    return _device_signer().dumps({"p": person.id, "m": _password_mark(person)})


def is_known_device(person: Person | None, mark: str | None) -> bool:
    """Did this browser log in as `person` before (since their last password change)? Its
    owner then passes the per-account limit that slows down someone guessing their password
    from elsewhere: a guesser can slow the account down, never lock its owner out."""
    if person is None or not mark or len(mark) > 300:
        return False
    try:
        value = _device_signer().loads(mark, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return False
    return (
        isinstance(value, dict)
        and value.get("p") == person.id
        and hmac.compare_digest(str(value.get("m", "")), _password_mark(person))
    )


def find_by_login(identifier: str) -> Person | None:
    """The person whose e-mail (any case) or employee number is `identifier`."""
    identifier = clean_text(identifier)
    if not identifier:
        return None
    return db.session.scalars(
        select(Person).where(
            or_(func.lower(Person.email) == identifier.lower(), Person.employee_no == identifier)
        )
    ).first()


def authenticate(identifier: str, password: str) -> Person | None:
    """The active person with these credentials (a password kept here), or None; someone who
    signs in only through the directory has no way in here."""
    person = find_by_login(identifier)
    if not check_password(person, password):
        return None
    if person is None or not person.is_active or not signs_in_with(person, "local"):
        return None
    person.last_login_at = utcnow()
    return person


def load_user(user_id: str) -> Person | None:
    """The logged-in person, with their roles and scopes (every page asks permissions.py).

    The cookie holds "<id>.<session token>": a token renewed since (log-out, new password,
    deactivation, new roles) logs nobody in."""
    number, _dot, token = (user_id or "").partition(".")
    if not (number.isascii() and number.isdigit() and len(number) < 10 and token):
        return None
    person = db.session.get(
        Person,
        int(number),
        options=[joinedload(Person.roles).joinedload(RoleAssignment.scope_unit)],
    )
    if person is None or not person.session_token or not person.is_active:
        return None  # a deactivation date set ahead ends the session on that day
    if not hmac.compare_digest(person.session_token.encode(), token.encode()):
        return None
    return person


def safe_next(target: str | None) -> str | None:
    """Only same-site paths may be a `next` target (no scheme, host or '//')."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
