"""Are the catalogue's links alive? Each course page and provider catalogue is asked for once
(HEAD, then GET where a site refuses HEAD), a few at a time. A link is dead when its site says
so (404, 410) or its host name no longer exists while other sites answer; a site that did not
answer (a timeout, a refused connection, a server error) could not be checked, which is not
dead. When no site answers at all, the machine has no network: nothing is called dead."""

import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.models import Course, Provider

OK, DEAD, UNCHECKED, NO_HOST = "ok", "dead", "unchecked", "no-host"
GONE = {404, 410}
USER_AGENT = "Thaksa link check (+https://github.com/)"


@dataclass
class Link:
    url: str
    used_by: list[str] = field(default_factory=list)  # "TDGA/DG-101", or "provider TDGA"
    outcome: str = UNCHECKED
    detail: str = ""


def catalogue_links() -> list[Link]:
    """Every distinct link of the catalogue's courses and providers in use (retired ones
    left out), with what uses it."""
    links: dict[str, Link] = {}
    for provider in db.session.scalars(select(Provider).where(Provider.active.is_(True))):
        if provider.url:
            links.setdefault(provider.url, Link(provider.url)).used_by.append(
                f"provider {provider.code}"
            )
    courses = db.session.scalars(
        select(Course)
        .join(Provider)
        .where(Course.active.is_(True), Provider.active.is_(True), Course.url.is_not(None))
        .options(selectinload(Course.provider))
        .order_by(Provider.code, Course.code)
    )
    for course in courses:
        links.setdefault(course.url, Link(course.url)).used_by.append(
            f"{course.provider.code}/{course.code}"
        )
    return list(links.values())


def fetch_status(url: str, timeout: float) -> int:
    """The HTTP status the link answers with (HEAD, or GET where HEAD is refused); raises
    urllib.error.URLError or OSError when nothing answers."""
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("not a web address")  # never a file: or another scheme
    for method in ("HEAD", "GET"):
        headers = {"User-Agent": USER_AGENT}
        request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue  # some sites answer only GET
            return error.code
    return 0


def _check(link: Link, timeout: float, fetch: Callable[[str, float], int]) -> Link:
    try:
        status = fetch(link.url, timeout)
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, socket.gaierror):
            link.outcome, link.detail = NO_HOST, "no such host name"
        else:
            link.outcome, link.detail = UNCHECKED, _said(reason)
        return link
    except (OSError, ssl.SSLError, ValueError) as error:
        link.outcome, link.detail = UNCHECKED, _said(error)
        return link
    if status in GONE:
        link.outcome, link.detail = DEAD, f"HTTP {status}"
    elif status >= 500 or status == 0:
        link.outcome, link.detail = UNCHECKED, f"HTTP {status} (the site's own trouble)"
    else:
        link.outcome, link.detail = OK, f"HTTP {status}"
    return link


def _said(error) -> str:
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "no answer in time"
    return str(error) or type(error).__name__


def check_links(
    links: list[Link],
    *,
    timeout: float = 10.0,
    workers: int = 8,
    fetch: Callable[[str, float], int] | None = None,
) -> bool:
    """Check every link (its `outcome` and `detail` set) with `fetch` (default: over the
    network); returns whether any site answered at all. A host name that does not exist
    counts as dead only when others answered."""
    fetch = fetch or fetch_status
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(lambda link: _check(link, timeout, fetch), links))
    answered = any(link.outcome in (OK, DEAD) for link in links)
    for link in links:
        if link.outcome == NO_HOST:
            link.outcome = DEAD if answered else UNCHECKED
    return answered
