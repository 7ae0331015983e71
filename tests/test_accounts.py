"""Ways into an account (issue 18, part 3): HR invites or resets by e-mailed link or printed
code; each works once and for 7 days; "forgot my password" tells nobody who has an account;
HR of one unit cannot touch another's people; every step audited."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent
from tests.conftest import PASSWORD, login
from tests.factories import PersonFactory, UnitFactory

NEW = "kluay thod sam roi kao"  # a password zxcvbn finds hard to guess


@pytest.fixture
def office(app):
    unit = UnitFactory()
    other = UnitFactory()
    newcomer = PersonFactory(unit=unit)
    newcomer.password_hash = None  # imported: never logged in
    db.session.commit()
    return {
        "hr": PersonFactory(unit=unit, roles=(("hr", unit),)),
        "other_hr": PersonFactory(unit=other, roles=(("hr", other),)),
        "newcomer": newcomer,
        "colleague": PersonFactory(unit=unit),
    }


@pytest.fixture
def outbox(app):
    mails = app.extensions.setdefault("outbox", [])
    mails.clear()
    return mails


def _issue(client, person, kind="link") -> str:
    answer = client.post(f"/admin/people/{person.employee_no}/account", data={"kind": kind})
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def _set(client, url, password=NEW, confirm=None):
    return client.post(url, data={"new": password, "confirm": confirm or password})


def _actions(person) -> list[str]:
    db.session.expire_all()
    query = select(AuditEvent.action).where(AuditEvent.target_id == person.id)
    return list(db.session.scalars(query.where(AuditEvent.target_type == "Person")))


def test_an_invitation_link_works_once_and_logs_the_person_in(client, app, office, outbox):
    login(client, office["hr"])
    page = _issue(client, office["newcomer"])
    link = re.search(r'value="(http[^"]+/account/[^"]+)"', page).group(1)
    assert outbox and link in outbox[0].body and outbox[0].to == office["newcomer"].email
    path = link.split("localhost", 1)[-1] if "localhost" in link else "/" + link.split("/", 3)[3]
    visitor = app.test_client()
    assert office["newcomer"].name_th in visitor.get(path).get_data(as_text=True)
    weak = _set(visitor, path, "password1234")
    assert weak.status_code == 422  # refused, the link still works
    assert _set(visitor, path, NEW, "something else").status_code == 422
    done = _set(visitor, path)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert visitor.get("/").status_code == 200  # logged in
    again = app.test_client().get(path)
    assert again.status_code == 410 and "/forgot" in again.get_data(as_text=True)
    assert {"account_invite_issued", "account_invite_used"} <= set(_actions(office["newcomer"]))
    fresh = app.test_client()
    form = {"identifier": office["newcomer"].employee_no, "password": NEW}
    assert fresh.post("/login", data=form).status_code == 302


def test_a_link_expires_after_seven_days_and_a_newer_one_replaces_it(
    client, app, office, outbox, frozen_clock
):
    frozen_clock(datetime(2026, 12, 1, 9, 0))
    login(client, office["hr"])
    first = re.search(r"/account/([\w-]+)", outbox_body(client, office, outbox)).group(1)
    second = re.search(r"/account/([\w-]+)", outbox_body(client, office, outbox)).group(1)
    visitor = app.test_client()
    assert visitor.get(f"/account/{first}").status_code == 410  # replaced by the newer one
    frozen_clock(datetime(2026, 12, 1, 9, 0) + timedelta(days=7, minutes=1))
    gone = visitor.get(f"/account/{second}")
    assert gone.status_code == 410 and _set(visitor, f"/account/{second}").status_code == 410
    assert visitor.get("/account/not-a-real-link").status_code == 404


def outbox_body(client, office, outbox) -> str:
    outbox.clear()
    _issue(client, office["newcomer"])
    return outbox[0].body


def test_a_printed_code_sets_the_password_once(client, app, office):
    login(client, office["hr"])
    sheet = _issue(client, office["newcomer"], kind="code")
    code = re.search(r'class="big-number">([A-Z0-9-]+)<', sheet).group(1)
    visitor = app.test_client()
    typed = {
        "identifier": office["newcomer"].employee_no,
        "code": code.lower().replace("-", " "),  # as someone types it from paper
        "new": NEW,
        "confirm": NEW,
    }
    wrong_person = typed | {"identifier": office["colleague"].employee_no}
    assert visitor.post("/account/code", data=wrong_person).status_code == 422
    done = visitor.post("/account/code", data=typed)
    assert done.status_code == 302 and visitor.get("/").status_code == 200
    assert app.test_client().post("/account/code", data=typed).status_code == 422  # used


def test_a_reset_keeps_the_old_password_until_it_is_used(client, app, office, outbox):
    colleague = office["colleague"]
    login(client, office["hr"])
    assert client.get(f"/admin/people/{colleague.employee_no}/account").status_code == 200
    body = outbox_body(client, {"newcomer": colleague}, outbox)
    path = re.search(r"(/account/[\w-]+)", body).group(1)
    old = {"identifier": colleague.email, "password": PASSWORD}
    assert app.test_client().post("/login", data=old).status_code == 302  # still works
    _set(app.test_client(), path)
    assert app.test_client().post("/login", data=old).status_code == 200  # not any more
    assert "account_reset_used" in _actions(colleague)


def test_forgot_my_password_says_the_same_whoever_was_typed(app, office, outbox):
    person = office["colleague"]
    answers = []
    for typed in (person.email, person.employee_no, "nobody@nowhere.example", "E99999"):
        outbox.clear()
        response = app.test_client().post("/forgot", data={"identifier": typed})
        text = re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))
        answers.append((response.status_code, text.replace(typed, "")))
        assert bool(outbox) == (typed in (person.email, person.employee_no))
    assert len({a for a in answers}) == 1  # one answer, whatever was typed
    link = re.search(r"(/account/[\w-]+)", outbox_body_for(app, person, outbox)).group(1)
    assert app.test_client().get(link).status_code == 200


def outbox_body_for(app, person, outbox) -> str:
    outbox.clear()
    app.test_client().post("/forgot", data={"identifier": person.email})
    return outbox[0].body


def test_who_may_give_a_way_in(client, app, office):
    target = f"/admin/people/{office['newcomer'].employee_no}/account"
    admin = PersonFactory(roles=(("admin", None),))
    for who, expected in (
        (office["hr"], 200),
        (admin, 200),
        (office["other_hr"], 404),  # another unit's HR
        (office["colleague"], 404),
    ):
        other = app.test_client()
        login(other, who)
        assert other.get(target).status_code == expected, who
        assert other.post(target, data={"kind": "code"}).status_code in (expected, 404), who
    own = app.test_client()
    login(own, office["hr"])
    assert own.get(f"/admin/people/{office['hr'].employee_no}/account").status_code == 404
    office["newcomer"].deactivated_on = datetime(2020, 1, 1).date()
    db.session.commit()
    login(client, office["hr"])
    from sqlalchemy import func

    from lms.models import AccountToken

    before = db.session.scalar(select(func.count()).select_from(AccountToken))
    refused = client.post(target, data={"kind": "link"}, follow_redirects=True)
    assert refused.status_code in (200, 404)  # a leaver gets no way in
    assert db.session.scalar(select(func.count()).select_from(AccountToken)) == before


def test_hr_invites_everyone_of_a_unit_without_an_account(client, app, office, outbox, monkeypatch):
    from lms.auth import accounts

    unit = office["newcomer"].unit
    others = [PersonFactory(unit=unit) for _ in range(2)]
    for person in others:
        person.password_hash = None
    db.session.commit()
    login(client, office["hr"])
    page = client.get("/admin/invitations").get_data(as_text=True)
    assert unit.code in page
    monkeypatch.setattr(accounts, "MAX_BULK_INVITES", 2)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "none")  # no e-mail: codes to print
    first = client.post("/admin/invitations", data={"unit": unit.code}).get_data(as_text=True)
    assert first.count('class="big-number"') == 2
    assert f'name="unit" value="{unit.code}"' in first  # one left: "invite the next ones"
    second = client.post("/admin/invitations", data={"unit": unit.code}).get_data(as_text=True)
    assert second.count('class="big-number"') == 1
    assert f'name="unit" value="{unit.code}"' not in second
    third = client.post("/admin/invitations", data={"unit": unit.code}).get_data(as_text=True)
    assert 'class="big-number"' not in third  # everyone has an invitation now
    assert office["colleague"].name_th not in first + second  # has a password already
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "memory")
    outsider = app.test_client()
    login(outsider, office["other_hr"])
    refused = outsider.post("/admin/invitations", data={"unit": unit.code}, follow_redirects=True)
    assert 'class="big-number"' not in refused.get_data(as_text=True)
    invited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account_unit_invited")
    ).all()
    assert len(invited) == 3
