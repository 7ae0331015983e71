"""How long a sign-in through the directory takes, and how long people wait when the directory
is down or silent (issue 23). A real OpenLDAP (tests/directory_server.py) on a free port; an
empty SQLite database migrated by Alembic with the person the entry names; then the directory
check (service-account search, the disabled filter, the user's own bind, the person matched)
five times each: with the directory answering, stopped (connection refused), and silent (it
accepts the connection and never answers). Medians, with LDAP_TIMEOUT as set.

    python tests/bench/directory.py [--timeout 3]
"""

import argparse
import os
import socket
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()
    os.environ.setdefault("LMS_ENV", "development")
    from flask_migrate import upgrade

    from lms import create_app
    from lms.auth import directory
    from lms.content import load_all
    from lms.extensions import db
    from lms.models import RoleGroup
    from lms.people.org import add_person, add_unit
    from tests.directory_server import SERVICE_DN, SERVICE_PASSWORD, SUFFIX, DirectoryServer

    url = "sqlite:///" + str(Path(tempfile.mkdtemp()) / "directory.sqlite")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LDAP_TIMEOUT": args.timeout})
    server = DirectoryServer().start()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    with app.app_context():
        upgrade()
        load_all()
        group = db.session.scalars(db.select(RoleGroup).where(RoleGroup.code == "ACAD")).one()
        add_person(
            unit=add_unit("IAO", "สำนักงานการต่างประเทศ"),
            since=date.today(),
            employee_no="1001",
            email="somchai.j@bma.go.th",
            name_th="นายสมชาย ใจดี",
            role_group_id=group.id,
        )
        db.session.commit()
    app.config.update(
        LDAP_START_TLS=False,
        LDAP_BIND_DN=SERVICE_DN,
        LDAP_BIND_PASSWORD=SERVICE_PASSWORD,
        LDAP_BASE_DN=SUFFIX,
        LDAP_DISABLED_FILTER="(pwdAccountLockedTime=*)",
    )
    cases = (
        ("answering", server.url),
        ("stopped (connection refused)", None),
        ("silent (accepts, never answers)", f"ldap://127.0.0.1:{silent.getsockname()[1]}"),
    )
    print(f"LDAP_TIMEOUT {args.timeout:g} s; medians of 5")
    with app.test_request_context():
        for label, target in cases:
            if target is None:
                target = server.url
                server.stop()
            app.config["LDAP_URL"] = target
            times, answer = [], None
            for _ in range(5):
                started = time.perf_counter()
                answer = directory.check("somchai.j", "somchai-directory-pw")
                times.append(time.perf_counter() - started)
            median = sorted(times)[2] * 1000
            outcome = "signed in" if answer.person else answer.refusal
            print(f"  {label:34} {median:9.1f} ms   {outcome}")
    server.remove()
    silent.close()


if __name__ == "__main__":
    main()
