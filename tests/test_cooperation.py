"""Cooperating units (phối hợp): their own records, their inputs to the lead unit, the lead asking
again, and how they are counted (apart from the lead assignments)."""
import io
from datetime import date, datetime

import pytest

from tests.helpers import database_fingerprint
from webapp.core import cooperation
from webapp.core.directives import TaskError, save_task
from webapp.models import (
    Assignment,
    AuditEntry,
    Cooperation,
    CooperationInput,
    Directive,
    Task,
    Unit,
    User,
)

PDF = b"%PDF-1.4\n%phoi hop\n"


def unit(name):
    return Unit.get(Unit.name == name)


def qt_task(number):
    return Task.select().join(Directive).where((Directive.number == "/UBND-KGVX") & (Task.number == number)).get()


def partner(task_number, unit_name):
    return Cooperation.get((Cooperation.task == qt_task(task_number).id) & (Cooperation.unit == unit(unit_name).id))


@pytest.fixture
def small(app, factory):
    province = factory.unit("Tỉnh P", kind="ubnd_tinh")
    lead, helper, other = (factory.unit(n, kind="ubnd_huyen", parent=province) for n in ("Huyện L", "Huyện H", "Huyện O"))
    users = {"lead": factory.user("chutri", unit=lead), "helper": factory.user("phoihop", unit=helper),
             "other": factory.user("khac", unit=other)}
    task = factory.task(factory.directive(issuer=province), lead=[lead], coop=[helper], number="1")
    return task, lead, helper, users


def test_a_cooperating_unit_gets_a_cooperation_not_an_assignment(small):
    task, lead, helper, _ = small
    assert [a.unit_id for a in task.assignments] == [lead.id]
    [c] = task.cooperations
    assert (c.unit_id, c.sent, c.due_at) == (helper.id, False, None)
    entry = AuditEntry.get((AuditEntry.object_type == "cooperation") & (AuditEntry.object_id == c.id))
    assert entry.action == "create"


def test_the_partner_sends_its_input_and_the_lead_sees_it(small, client_for, app):
    task, lead, helper, _ = small
    c = Cooperation.get(Cooperation.task == task.id)
    client = client_for("phoihop")
    response = client.post(f"/giao-viec/phoi-hop/{c.id}", data={
        "note": "Đã vận động 40 hộ.", "figures": "Mở tài khoản: 40", "evidence": (io.BytesIO(PDF), "bien-ban.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    c = Cooperation.get_by_id(c.id)
    assert c.sent
    [row] = CooperationInput.select().where(CooperationInput.cooperation == c.id)
    assert (row.note, row.figures, row.evidence_name) == ("Đã vận động 40 hộ.", "Mở tài khoản: 40", "bien-ban.pdf")
    entry = AuditEntry.get((AuditEntry.object_type == "cooperation_input") & (AuditEntry.object_id == row.id))
    assert (entry.action, entry.user_id, entry.unit_id) == ("create", User.get(User.username == "phoihop").id, helper.id)
    lead_assignment = Assignment.get(Assignment.task == task.id)
    page = client_for("chutri").get(f"/giao-viec/{lead_assignment.id}").get_data(as_text=True)
    assert "phối hợp: 1/1 đã gửi" in page and "Đã vận động 40 hộ." in page and "Mở tài khoản: 40" in page
    assert client_for("chutri").get(f"/giao-viec/phoi-hop/{c.id}/tep/{row.id}").data == PDF
    assert client_for("khac").get(f"/giao-viec/phoi-hop/{c.id}/tep/{row.id}").status_code == 404


def test_an_empty_input_is_refused_and_nothing_saved(small, client_for):
    task, *_ = small
    c = Cooperation.get(Cooperation.task == task.id)
    client = client_for("phoihop")
    before = database_fingerprint()
    response = client.post(f"/giao-viec/phoi-hop/{c.id}", data={"note": " ", "figures": ""})
    assert response.status_code == 200 and "Vui lòng ghi ý kiến, số liệu hoặc kèm tệp." in response.get_data(as_text=True)
    assert database_fingerprint() == before


def test_asking_again_makes_the_partner_owe_again_until_it_answers(small, client_for, clock):
    task, lead, helper, users = small
    c = Cooperation.get(Cooperation.task == task.id)
    cooperation.send_input(c, users["helper"].id, "Lần 1", "", None, datetime(2024, 3, 12))
    clock.now = datetime(2024, 3, 15, 8, 0)
    response = client_for("chutri").post(f"/giao-viec/phoi-hop/{c.id}/de-nghi",
                                         data={"day": "22/03/2024", "note": "Cần số liệu mới nhất."})
    assert response.status_code == 302
    c = Cooperation.get_by_id(c.id)
    assert (c.sent, c.due_at) == (False, datetime(2024, 3, 22, 23, 59, 59))
    asked = (AuditEntry.select().where((AuditEntry.object_type == "cooperation") & (AuditEntry.object_id == c.id))
             .order_by(AuditEntry.id.desc()).first())
    assert (asked.action, asked.user_id) == ("update", users["lead"].id) and "2024-03-22" in asked.after
    home = client_for("phoihop").get("/").get_data(as_text=True)
    assert "còn nợ 1/1" in home and "22/03/2024" in home
    cooperation.send_input(c, users["helper"].id, "Lần 2", "", None, datetime(2024, 3, 16))
    assert Cooperation.get_by_id(c.id).sent


@pytest.mark.parametrize("username, expected", [("chutri", 302), ("phoihop", 403), ("khac", 404)])
def test_only_the_lead_asks_a_partner(small, client_for, username, expected):
    task, *_ = small
    c = Cooperation.get(Cooperation.task == task.id)
    response = client_for(username).post(f"/giao-viec/phoi-hop/{c.id}/de-nghi", data={"day": "", "note": ""})
    assert response.status_code == expected
    assert (Cooperation.get_by_id(c.id).asked_again_at is not None) == (expected == 302)


def test_a_partner_with_inputs_cannot_be_dropped_or_made_lead(small):
    task, lead, helper, users = small
    cooperation.send_input(Cooperation.get(Cooperation.task == task.id), users["helper"].id, "Ý kiến", "", None,
                           datetime(2024, 3, 12))
    before = database_fingerprint()
    for leads, partners in (([lead], []), ([lead, helper], [])):
        with pytest.raises(TaskError, match="Huyện H"):
            save_task(Task.get_by_id(task.id), leads, partners, now=datetime(2024, 3, 13))
    assert database_fingerprint() == before


def test_a_partner_without_inputs_can_become_lead(small):
    task, lead, helper, _ = small
    save_task(Task.get_by_id(task.id), [lead, helper], [], now=datetime(2024, 3, 13))
    assert sorted(a.unit_id for a in Assignment.select().where(Assignment.task == task.id)) == sorted([lead.id, helper.id])
    assert not Cooperation.select().where(Cooperation.task == task.id).exists()


# --- On the demo: counted apart from the lead assignments ------------------------------------

def test_the_demo_partners_are_counted_as_their_own_column(demo, client_for):
    c = partner("1.1", "UBND huyện Gio Linh")
    assert c.sent and not partner("1.1", "UBND huyện Hải Lăng").sent
    page = client_for("lanhdao").get(f"/van-ban/{qt_task('1.1').directive_id}").get_data(as_text=True)
    assert "Phối hợp: 3/9 đã gửi" in page
    # The partners are no longer chased as owners: no cooperating row in the lead counts.
    assert not Assignment.select().where(Assignment.role != "lead").exists()
    dashboard = client_for("lanhdao").get("/tong-hop/").get_data(as_text=True)
    assert "phối hợp: 5/21 đã gửi" in dashboard


def test_the_partner_sees_what_it_owes_on_its_home(demo, client_for):
    home = client_for("giolinh").get("/").get_data(as_text=True)
    section = home.split("Phối hợp với đơn vị chủ trì", 1)[1]
    assert "còn nợ 1/2" in section and "1.4." in section and "1.1." in section


def test_the_monthly_report_counts_partners_apart(demo):
    from webapp.core.report_content import task_results
    quang_tri = Directive.get(Directive.number == "/UBND-KGVX")
    results = task_results([quang_tri.id], datetime(2024, 3, 31, 23, 59, 59))
    rows = {r["unit"]: r for r in results["rows"]}
    assert (rows["UBND huyện Gio Linh"]["partners_sent"], rows["UBND huyện Gio Linh"]["partners_asked"]) == (1, 2)
    assert results["total"]["total"] == 62  # lead assignments only
    # As of a moment before the inputs, nothing was sent yet.
    early = {r["unit"]: r for r in task_results([quang_tri.id], datetime(2024, 1, 15))["rows"]}
    assert early["UBND huyện Gio Linh"]["partners_sent"] == 0


def test_the_lead_sees_partners_due_dates_on_its_assignment(demo, client_for):
    so_lead = Assignment.get((Assignment.task == qt_task("1.1").id)
                             & (Assignment.unit == unit("Sở Lao động - Thương binh và Xã hội").id))
    page = client_for("sldtbxh").get(f"/giao-viec/{so_lead.id}").get_data(as_text=True)
    assert "Chưa gửi, quá hạn" in page  # Hải Lăng was asked for 29/01/2024
    assert "Nhắc gửi" in page and "Đề nghị gửi lại" in page  # the lead may ask
    assert date(2024, 1, 29).strftime("%d/%m/%Y") in page
