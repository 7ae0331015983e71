"""Reporting lines that need HR (issue 18, part 4): a supervisor who left, nobody above, a top
of a line no HR officer covers; each in the reader's own units only."""

from datetime import date

from lms.extensions import db
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory


def test_hr_sees_the_broken_lines_of_their_units_only(client, app):
    top = UnitFactory(code="TOP")
    dept = UnitFactory(code="DEPT", parent=top)
    other = UnitFactory(code="OTHER", parent=top)
    head = PersonFactory(unit=dept)  # no supervisor
    gone_boss = PersonFactory(unit=dept, supervisor=head)
    orphan = PersonFactory(unit=dept, supervisor=gone_boss)
    fine = PersonFactory(unit=dept, supervisor=head)
    elsewhere = PersonFactory(unit=other)
    gone_boss.deactivated_on = date(2020, 1, 1)
    db.session.commit()
    hr = PersonFactory(unit=dept, supervisor=head, roles=(("hr", dept),))
    login(client, hr)
    page = client.get("/admin/lines").get_data(as_text=True)
    left, missing, uncovered = page.split("<section")[1:4]
    assert orphan.name_th in left and fine.name_th not in left
    assert head.name_th in missing and elsewhere.name_th not in page  # another unit's
    assert gone_boss.name_th not in missing  # left: not listed
    assert head.name_th not in uncovered  # HR covers their unit
    admin = app.test_client()
    login(admin, PersonFactory(unit=top, roles=(("admin", None),)))
    everything = admin.get("/admin/lines").get_data(as_text=True)
    uncovered_all = everything.split("<section")[3]
    assert elsewhere.name_th in uncovered_all  # nobody covers OTHER: plans go to admins
    staff = app.test_client()
    login(staff, fine)
    assert staff.get("/admin/lines").status_code == 404
