"""The follow-up loop as a state machine: every transition and every refused one, by role, with the
history entry and the audit entries each writes. A small tree built by the factory:

    Tỉnh (issuer; staff tinh, leader lanhdao_tinh)
    ├── Huyện A (staff huyena, leader lanhdao_a)
    │   ├── Xã A1 (staff xaa1)
    │   └── Xã A2
    └── Huyện B (staff huyenb)
        └── Xã B1
"""
from datetime import date, datetime

import pytest
from peewee import IntegrityError

from tests.helpers import database_fingerprint
from webapp.core import followup, notifications, occurrences
from webapp.core.assignments import UpdateRefused, post_update
from webapp.core.followup import AlreadyDecided, FollowupError
from webapp.db import database
from webapp.models import Assignment, AuditEntry, Extension, Notification, Occurrence, Update
from webapp.rules import status
from webapp.rules.input import InputError

DUE = datetime(2024, 3, 31, 23, 59, 59)


class Tree:
    def __init__(self, factory, needs_confirmation=True):
        f = factory
        self.province = f.unit("Tỉnh Thử", kind="ubnd_tinh")
        self.a = f.unit("Huyện A", kind="ubnd_huyen", parent=self.province)
        self.a1 = f.unit("Xã A1", parent=self.a)
        self.a2 = f.unit("Xã A2", parent=self.a)
        self.b = f.unit("Huyện B", kind="ubnd_huyen", parent=self.province)
        self.b1 = f.unit("Xã B1", parent=self.b)
        self.tinh = f.user("tinh", unit=self.province)
        self.lanhdao_tinh = f.user("lanhdao_tinh", role="leader", unit=self.province)
        self.huyena = f.user("huyena", unit=self.a)
        self.lanhdao_a = f.user("lanhdao_a", role="leader", unit=self.a)
        self.xaa1 = f.user("xaa1", unit=self.a1)
        self.huyenb = f.user("huyenb", unit=self.b)
        self.admin = f.user("quantri", role="admin", unit=self.province)
        # Điều 148 would move the Sunday deadline to Monday: these tests are about the loop, not days off.
        self.directive = f.directive(issuer=self.province, needs_confirmation=needs_confirmation, shift_days_off=False)
        self.task = f.task(self.directive, lead=[self.a, self.b], number="1")
        self.assignment = self.get(self.a)

    def get(self, unit, task=None):
        return Assignment.get((Assignment.task == (task or self.task).id) & (Assignment.unit == unit.id))


@pytest.fixture
def tree(app, factory):
    return Tree(factory)


def audit_after(mark):
    return list(AuditEntry.select().where(AuditEntry.id > mark).order_by(AuditEntry.id))


def last_audit():
    return AuditEntry.select().order_by(AuditEntry.id.desc()).first().id


def report_done(tree, when=datetime(2024, 3, 25, 16, 30), unit=None, user=None):
    a = tree.get(unit or tree.a)
    post_update(a, a.version, (user or tree.huyena).id, "done", None, "Đã xong.", None, when)
    return tree.get(unit or tree.a)


# --- Reporting done --------------------------------------------------------------------------

def test_reporting_done_waits_for_confirmation_with_the_reported_time(tree):
    mark = last_audit()
    a = report_done(tree)
    assert (a.state, a.percent, a.done_at, a.reported_at) == ("awaiting", 100, None, datetime(2024, 3, 25, 16, 30))
    [created, changed] = audit_after(mark)
    assert (created.object_type, created.action, changed.object_type, changed.action) == (
        "update", "create", "assignment", "update")
    assert '"reported_at": "2024-03-25T16:30:00"' in changed.after and '"state": "awaiting"' in changed.after
    # Reported on time, it is not chased while it waits, even once the due time has passed.
    assert status.classify(a.due_at, a.done_at, datetime(2024, 4, 10), 3, a.reported_at) == status.NOT_DUE


def test_without_confirmation_done_counts_at_once(app, factory):
    tree = Tree(factory, needs_confirmation=False)
    a = report_done(tree)
    assert (a.state, a.done_at, a.reported_at) == ("done", datetime(2024, 3, 25, 16, 30), None)


def test_reporting_done_after_the_due_time_is_still_chased_while_it_waits(tree):
    a = report_done(tree, when=datetime(2024, 4, 2, 8, 0))
    assert status.classify(a.due_at, a.done_at, datetime(2024, 4, 3), 3, a.reported_at) == status.OVERDUE


def test_the_unit_may_withdraw_its_report_while_it_waits(tree):
    a = report_done(tree)
    mark = last_audit()
    post_update(a, a.version, tree.huyena.id, "in_progress", 80, "Còn thiếu biên bản.", None, datetime(2024, 3, 26))
    a = tree.get(tree.a)
    assert (a.state, a.percent, a.reported_at) == ("in_progress", 80, None)
    [created, changed] = audit_after(mark)
    assert (created.object_type, created.action, changed.object_type, changed.action) == (
        "update", "create", "assignment", "update")
    assert changed.user_id == tree.huyena.id and '"awaiting"' in changed.before and '"in_progress"' in changed.after


def test_reporting_done_again_while_waiting_keeps_the_first_reported_time(tree):
    a = report_done(tree)
    post_update(a, a.version, tree.huyena.id, "done", None, "Bổ sung biên bản.", None, datetime(2024, 3, 27))
    assert tree.get(tree.a).reported_at == datetime(2024, 3, 25, 16, 30)


# --- Confirming and returning ----------------------------------------------------------------

def test_confirming_makes_it_done_as_of_the_reported_time(tree):
    a = report_done(tree)
    mark = last_audit()
    followup.confirm(a, tree.tinh.id, datetime(2024, 4, 5, 9, 0))  # after the due time
    a = tree.get(tree.a)
    assert (a.state, a.done_at) == ("done", datetime(2024, 3, 25, 16, 30))
    assert status.classify(a.due_at, a.done_at, datetime(2024, 4, 5, 9), 3, a.reported_at) == status.DONE_ON_TIME
    entry = Update.select().where(Update.assignment == a.id).order_by(Update.id.desc()).first()
    assert (entry.kind, entry.author_id, entry.state) == ("confirmed", tree.tinh.id, "done")
    [created, changed] = audit_after(mark)
    assert (created.object_type, changed.object_type, changed.user_id) == ("update", "assignment", tree.tinh.id)
    assert '"state": "awaiting"' in changed.before and '"state": "done"' in changed.after


def test_confirming_a_late_report_is_done_late(tree):
    report_done(tree, when=datetime(2024, 4, 2))
    followup.confirm(tree.get(tree.a), tree.tinh.id, datetime(2024, 4, 3))
    a = tree.get(tree.a)
    assert status.classify(a.due_at, a.done_at, datetime(2024, 4, 3), 3) == status.DONE_LATE


def test_returning_goes_back_to_in_progress_with_the_reason_in_the_history(tree):
    a = tree.get(tree.a)
    post_update(a, a.version, tree.huyena.id, "in_progress", 70, "", None, datetime(2024, 3, 20))
    a = report_done(tree)
    mark = last_audit()
    followup.return_(a, tree.tinh.id, "Thiếu biên bản hội nghị.", datetime(2024, 3, 26, 8, 0))
    a = tree.get(tree.a)
    assert (a.state, a.percent, a.reported_at, a.done_at) == ("in_progress", 70, None, None)
    entry = Update.select().where(Update.assignment == a.id).order_by(Update.id.desc()).first()
    assert (entry.kind, entry.note, entry.author_id) == ("returned", "Thiếu biên bản hội nghị.", tree.tinh.id)
    [created, changed] = audit_after(mark)
    assert created.object_type == "update" and '"state": "in_progress"' in changed.after


@pytest.mark.parametrize("decide", ["confirm", "return"])
def test_a_decision_on_something_not_awaiting_is_refused_and_writes_nothing(tree, decide):
    a = tree.get(tree.a)  # not reported
    before = database_fingerprint()
    with pytest.raises(AlreadyDecided, match="không còn chờ xác nhận"):
        if decide == "confirm":
            followup.confirm(a, tree.tinh.id, datetime(2024, 3, 26))
        else:
            followup.return_(a, tree.tinh.id, "Lý do", datetime(2024, 3, 26))
    assert database_fingerprint() == before


def test_the_second_decider_is_told_who_decided_first(tree):
    a = report_done(tree)
    stale = tree.get(tree.a)
    followup.confirm(a, tree.tinh.id, datetime(2024, 3, 26, 9, 0))
    before = database_fingerprint()
    with pytest.raises(AlreadyDecided, match="đã được Người dùng thử xác nhận hoàn thành lúc 09:00 26/03/2024"):
        followup.return_(stale, tree.lanhdao_tinh.id, "Chưa đạt.", datetime(2024, 3, 26, 9, 1))
    assert database_fingerprint() == before


def test_returning_needs_a_reason(tree):
    a = report_done(tree)
    before = database_fingerprint()
    with pytest.raises(InputError, match="Vui lòng ghi lý do trả lại"):
        followup.return_(a, tree.tinh.id, "   ", datetime(2024, 3, 26))
    assert database_fingerprint() == before


def test_after_confirmation_the_unit_cannot_undo_it(tree):
    followup.confirm(report_done(tree), tree.tinh.id, datetime(2024, 3, 26))
    a = tree.get(tree.a)
    before = database_fingerprint()
    with pytest.raises(UpdateRefused, match="đã được đơn vị giao việc xác nhận"):
        post_update(a, a.version, tree.huyena.id, "in_progress", 50, "Mở lại", None, datetime(2024, 3, 27))
    assert database_fingerprint() == before


# --- Who may decide: by role, through the routes ----------------------------------------------

@pytest.mark.parametrize("username, expected", [
    ("huyena", 403),        # the assigned unit itself
    ("lanhdao_a", 403),     # its leader: acts for Huyện A, not for the province
    ("huyenb", 404),        # another district cannot even see it
    ("xaa1", 404),          # a commune below it
    ("tinh", 302),          # staff of the issuer
    ("lanhdao_tinh", 302),  # leader of the issuer
    ("quantri", 302),       # admin
])
def test_who_may_confirm(tree, client_for, clock, username, expected):
    report_done(tree)
    clock.now = datetime(2024, 3, 26, 9, 0)
    response = client_for(username).post(f"/giao-viec/{tree.assignment.id}/xac-nhan", data={"note": ""})
    assert response.status_code == expected
    assert tree.get(tree.a).state == ("done" if expected == 302 else "awaiting")


@pytest.mark.parametrize("username, expected", [("huyena", 403), ("huyenb", 404), ("tinh", 302), ("quantri", 302)])
def test_who_may_return(tree, client_for, clock, username, expected):
    report_done(tree)
    clock.now = datetime(2024, 3, 26, 9, 0)
    response = client_for(username).post(f"/giao-viec/{tree.assignment.id}/tra-lai", data={"reason": "Thiếu hồ sơ."})
    assert response.status_code == expected
    assert tree.get(tree.a).state == ("in_progress" if expected == 302 else "awaiting")


def test_a_return_without_reason_through_the_page_shows_the_message_and_keeps_the_state(tree, client_for):
    report_done(tree)
    response = client_for("tinh").post(f"/giao-viec/{tree.assignment.id}/tra-lai", data={"reason": ""})
    assert response.status_code == 200 and "Vui lòng ghi lý do trả lại." in response.get_data(as_text=True)
    assert tree.get(tree.a).state == "awaiting"


def test_the_loser_of_two_decisions_sees_who_decided_and_nothing_changes(tree, client_for, clock):
    report_done(tree)
    clock.now = datetime(2024, 3, 26, 9, 0)
    assert client_for("tinh").post(f"/giao-viec/{tree.assignment.id}/xac-nhan", data={}).status_code == 302
    response = client_for("lanhdao_tinh").post(f"/giao-viec/{tree.assignment.id}/tra-lai", data={"reason": "Muộn."})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "xác nhận hoàn thành lúc 09:00 26/03/2024" in text
    assert tree.get(tree.a).state == "done"


def test_the_waiting_list_shows_what_the_user_may_decide_oldest_first(tree, client_for, factory):
    report_done(tree, when=datetime(2024, 3, 25, 16, 30))
    report_done(tree, unit=tree.b, user=tree.huyenb, when=datetime(2024, 3, 22, 8, 0))
    page = client_for("tinh").get("/giao-viec/cho-xac-nhan").get_data(as_text=True)
    assert page.index("Huyện B") < page.index("Huyện A")  # the oldest report first
    page = client_for("huyena").get("/giao-viec/cho-xac-nhan").get_data(as_text=True)
    assert "Không có báo cáo hoàn thành nào chờ bạn xác nhận" in page


def test_returned_and_confirmed_items_show_on_the_units_home(tree, client_for, clock):
    followup.return_(report_done(tree), tree.tinh.id, "Thiếu biên bản hội nghị.", datetime(2024, 3, 26, 8, 0))
    clock.now = datetime(2024, 3, 27, 8, 0)
    page = client_for("huyena").get("/").get_data(as_text=True)
    assert "Đơn vị giao việc đã trả lời" in page and "Thiếu biên bản hội nghị." in page and "Trả lại" in page


# --- Extensions -------------------------------------------------------------------------------

def ask(tree, day=date(2024, 4, 15), when=datetime(2024, 3, 28, 9, 0), reason="Chờ số liệu của xã."):
    return followup.request_extension(tree.get(tree.a), tree.huyena.id, day, reason, when)


def test_an_extension_request_is_recorded_in_the_history_and_the_log(tree):
    mark = last_audit()
    ext = ask(tree)
    assert (ext.state, ext.due_before, ext.due_requested, ext.asked_late) == (
        "open", DUE, datetime(2024, 4, 15, 23, 59, 59), False)
    entry = Update.select().where(Update.assignment == tree.assignment.id).order_by(Update.id.desc()).first()
    assert entry.kind == "extension_requested" and "15/04/2024" in entry.note
    assert [e.object_type for e in audit_after(mark)] == ["extension", "update"]
    assert tree.get(tree.a).due_at == DUE  # nothing changes until decided


def test_a_request_after_the_due_time_is_allowed_and_shown_as_late(tree):
    ext = ask(tree, when=datetime(2024, 4, 2, 9, 0))
    assert ext.asked_late and "xin sau khi đã quá hạn" in Update.select().order_by(Update.id.desc()).first().note


@pytest.mark.parametrize("day, message", [
    (date(2024, 3, 31), "phải sau hạn hiện tại"),
    (date(2024, 3, 1), "phải sau hạn hiện tại"),
    (None, "Vui lòng nhập ngày"),
])
def test_a_request_for_a_date_not_later_is_refused(tree, day, message):
    before = database_fingerprint()
    with pytest.raises(InputError, match=message):
        ask(tree, day=day)
    assert database_fingerprint() == before


def test_only_one_open_request_at_a_time(tree):
    ask(tree)
    before = database_fingerprint()
    with pytest.raises(FollowupError, match="đang chờ quyết định"):
        ask(tree, day=date(2024, 4, 20))
    assert database_fingerprint() == before


def test_the_database_itself_refuses_a_second_open_request(tree):
    ext = ask(tree)
    with pytest.raises(IntegrityError), database.atomic():
        Extension.create(assignment=ext.assignment_id, requested_by=tree.huyena.id, requested_at=ext.requested_at,
                         due_before=DUE, due_requested=datetime(2024, 5, 1), reason="Lần hai")
    # Once decided, another request may open.
    followup.decide_extension(ext, tree.tinh.id, False, "Không.", datetime(2024, 3, 29))
    assert ask(tree, day=date(2024, 4, 20)).state == "open"


def test_an_ongoing_task_has_no_due_time_to_extend(tree, factory):
    ongoing = factory.task(tree.directive, lead=[tree.a], kind="ongoing")
    with pytest.raises(InputError, match="không có hạn"):
        followup.request_extension(tree.get(tree.a, ongoing), tree.huyena.id, date(2024, 5, 1), "Lý do",
                                   datetime(2024, 3, 28))


def test_approving_applies_the_new_due_time_and_keeps_the_original(tree):
    ext = ask(tree)
    mark = last_audit()
    followup.decide_extension(ext, tree.tinh.id, True, "", datetime(2024, 3, 29, 10, 0))
    a = tree.get(tree.a)
    assert (a.due_at, a.original_due_at, a.extended) == (datetime(2024, 4, 15, 23, 59, 59), DUE, True)
    assert Extension.get_by_id(ext.id).state == "approved"
    assert [e.object_type for e in audit_after(mark)] == ["extension", "update", "assignment"]
    # A second extension keeps the first original.
    followup.decide_extension(ask(tree, day=date(2024, 4, 30)), tree.tinh.id, True, "", datetime(2024, 4, 1))
    assert tree.get(tree.a).original_due_at == DUE


def test_refusing_needs_a_reason_and_keeps_the_due_time(tree):
    ext = ask(tree)
    with pytest.raises(InputError, match="lý do không đồng ý"):
        followup.decide_extension(ext, tree.tinh.id, False, "", datetime(2024, 3, 29))
    mark = last_audit()
    followup.decide_extension(ext, tree.tinh.id, False, "Hạn do tỉnh ấn định.", datetime(2024, 3, 29))
    a = tree.get(tree.a)
    assert (a.due_at, a.original_due_at) == (DUE, None)
    assert Update.select().order_by(Update.id.desc()).first().kind == "extension_refused"
    entries = audit_after(mark)
    assert [(e.object_type, e.action) for e in entries] == [("extension", "update"), ("update", "create"),
                                                             ("assignment", "update")]
    assert '"refused"' in entries[0].after and entries[0].user_id == tree.tinh.id


def test_a_request_decided_twice_tells_the_second(tree):
    ext = ask(tree)
    stale = Extension.get_by_id(ext.id)
    followup.decide_extension(ext, tree.tinh.id, True, "", datetime(2024, 3, 29, 10, 0))
    with pytest.raises(AlreadyDecided, match="đã được Người dùng thử đồng ý lúc 10:00 29/03/2024"):
        followup.decide_extension(stale, tree.lanhdao_tinh.id, False, "Không", datetime(2024, 3, 29, 10, 5))


# The unit's own leader may ask (it is of the unit), not decide (it does not act for the issuer).
@pytest.mark.parametrize("username, ask_code, decide_code", [
    ("huyena", 302, 403), ("lanhdao_a", 302, 403), ("huyenb", 404, 404), ("tinh", 403, 302), ("quantri", 302, 302),
])
def test_who_may_ask_and_who_may_decide(tree, client_for, username, ask_code, decide_code):
    response = client_for(username).post(f"/giao-viec/{tree.assignment.id}/gia-han",
                                         data={"day": "15/04/2024", "reason": "Chờ số liệu."})
    assert response.status_code == ask_code
    ext = Extension.get_or_none(Extension.assignment == tree.assignment.id) or ask(tree)
    response = client_for(username).post(f"/giao-viec/{tree.assignment.id}/gia-han/{ext.id}",
                                         data={"decision": "approve", "note": ""})
    assert response.status_code == decide_code
    assert Extension.get_by_id(ext.id).state == ("approved" if decide_code == 302 else "open")


def test_a_badly_typed_date_is_refused_beside_its_field(tree, client_for):
    response = client_for("huyena").post(f"/giao-viec/{tree.assignment.id}/gia-han",
                                         data={"day": "31/02/2024", "reason": "Chờ số liệu."})
    assert response.status_code == 200 and "Không có ngày 31/02/2024 trong lịch." in response.get_data(as_text=True)
    assert not Extension.select().exists()


def test_an_extension_of_a_recurring_duty_moves_one_occurrence(app, factory, clock):
    from datetime import time
    tree = Tree(factory)
    weekly = factory.task(tree.directive, lead=[tree.a], kind="weekly", weekday=2, deadline_time=time(14, 0),
                          window_start=date(2024, 3, 1), window_end=date(2024, 3, 31))
    occurrences.materialise(date(2024, 3, 31), date(2024, 3, 12))
    a = tree.get(tree.a, weekly)
    first, second = list(Occurrence.select().where(Occurrence.assignment == a.id).order_by(Occurrence.due_at))[:2]
    with pytest.raises(FollowupError, match="chọn kỳ báo cáo"):
        followup.request_extension(a, tree.huyena.id, date(2024, 3, 8), "Lý do", datetime(2024, 3, 5))
    ext = followup.request_extension(a, tree.huyena.id, date(2024, 3, 8), "Mất điện", datetime(2024, 3, 5), first)
    assert ext.due_requested == datetime(2024, 3, 8, 14, 0)
    followup.decide_extension(ext, tree.tinh.id, True, "", datetime(2024, 3, 6))
    first, second_after = Occurrence.get_by_id(first.id), Occurrence.get_by_id(second.id)
    assert (first.due_at, first.original_due_at) == (datetime(2024, 3, 8, 14, 0), datetime(2024, 3, 6, 14, 0))
    assert (second_after.due_at, second_after.original_due_at) == (second.due_at, None)
    assert tree.get(tree.a, weekly).original_due_at is None  # the duty itself keeps its rule


# --- Delegation -------------------------------------------------------------------------------

def test_delegating_creates_sub_assignments_for_the_subtree(tree):
    mark = last_audit()
    children = followup.delegate(tree.get(tree.a), [tree.a1, tree.a2], date(2024, 3, 25), "Báo cáo trước 25/03.",
                                 tree.huyena.id, datetime(2024, 3, 10))
    assert [(c.unit_id, c.assigned_by_id, c.delegated_from_id, c.due_at) for c in children] == [
        (tree.a1.id, tree.a.id, tree.assignment.id, datetime(2024, 3, 25, 23, 59, 59)),
        (tree.a2.id, tree.a.id, tree.assignment.id, datetime(2024, 3, 25, 23, 59, 59))]
    assert [e.object_type for e in audit_after(mark)] == ["assignment", "assignment", "update"]
    assert Update.select().order_by(Update.id.desc()).first().kind == "delegated"
    assert followup.chain_up(children[0])[0].id == tree.assignment.id


def test_a_blank_due_date_gives_the_parents(tree):
    [child] = followup.delegate(tree.get(tree.a), [tree.a1], None, "", tree.huyena.id, datetime(2024, 3, 10))
    assert child.due_at == DUE


@pytest.mark.parametrize("units, day, message", [
    (lambda t: [t.a1], date(2024, 4, 1), r"không được sau hạn của đơn vị mình \(31/03/2024\)"),
    (lambda t: [t.b1], None, "không thuộc cấp dưới: Xã B1"),
    (lambda t: [t.a], None, "không thuộc cấp dưới: Huyện A"),
    (lambda t: [t.province], None, "không thuộc cấp dưới: Tỉnh Thử"),
    (lambda t: [], None, "Chọn ít nhất một đơn vị"),
])
def test_refused_delegations_change_nothing(tree, units, day, message):
    before = database_fingerprint()
    with pytest.raises(InputError, match=message):
        followup.delegate(tree.get(tree.a), units(tree), day, "", tree.huyena.id, datetime(2024, 3, 10))
    assert database_fingerprint() == before


def test_a_recurring_duty_is_not_passed_down(tree, factory):
    from datetime import time
    daily = factory.task(tree.directive, lead=[tree.a], kind="daily", deadline_time=time(9, 0))
    with pytest.raises(FollowupError, match="Báo cáo định kỳ không giao tiếp"):
        followup.delegate(tree.get(tree.a, daily), [tree.a1], None, "", tree.huyena.id, datetime(2024, 3, 10))


@pytest.mark.parametrize("username, expected", [
    ("huyena", 302), ("lanhdao_a", 302), ("tinh", 403), ("xaa1", 404), ("huyenb", 404), ("quantri", 302)])
def test_who_may_delegate(tree, client_for, username, expected):
    response = client_for(username).post(f"/giao-viec/{tree.assignment.id}/giao-tiep",
                                         data={"units": [str(tree.a1.id)], "day": "", "instructions": ""})
    assert response.status_code == expected
    assert Assignment.select().where(Assignment.delegated_from == tree.assignment.id).count() == (
        1 if expected == 302 else 0)


def test_a_due_date_later_than_the_parents_is_refused_with_a_clear_message(tree, client_for):
    response = client_for("huyena").post(f"/giao-viec/{tree.assignment.id}/giao-tiep",
                                         data={"units": [str(tree.a1.id)], "day": "05/04/2024", "instructions": ""})
    assert response.status_code == 200
    assert "Hạn giao cho cấp dưới (05/04/2024) không được sau hạn của đơn vị mình (31/03/2024)." in \
        response.get_data(as_text=True)
    assert not Assignment.select().where(Assignment.delegated_from.is_null(False)).exists()


def test_the_delegating_unit_confirms_its_children_and_answers_their_requests(tree, client_for, clock):
    [child] = followup.delegate(tree.get(tree.a), [tree.a1], date(2024, 3, 25), "", tree.huyena.id,
                                datetime(2024, 3, 10))
    report_done(tree, unit=tree.a1, user=tree.xaa1, when=datetime(2024, 3, 20, 9, 0))
    assert client_for("tinh").post(f"/giao-viec/{child.id}/xac-nhan", data={}).status_code == 404  # not its work
    assert client_for("xaa1").post(f"/giao-viec/{child.id}/xac-nhan", data={}).status_code == 403
    assert client_for("lanhdao_tinh").get(f"/giao-viec/{child.id}").status_code == 200  # a leader above follows it
    mark = last_audit()
    assert client_for("huyena").post(f"/giao-viec/{child.id}/xac-nhan", data={}).status_code == 302
    assert Assignment.get_by_id(child.id).state == "done"
    entries = audit_after(mark)
    assert [(e.object_type, e.action, e.user_id, e.unit_id) for e in entries] == [
        ("update", "create", tree.huyena.id, tree.a1.id), ("assignment", "update", tree.huyena.id, tree.a1.id)]
    # A child's extension cannot go beyond its parent's due time.
    [other] = followup.delegate(tree.get(tree.a), [tree.a2], date(2024, 3, 25), "", tree.huyena.id,
                                datetime(2024, 3, 10))
    with pytest.raises(InputError, match="Không gia hạn được quá hạn của việc cấp trên giao"):
        followup.request_extension(other, tree.admin.id, date(2024, 4, 5), "Lý do", datetime(2024, 3, 20))


def test_the_parent_shows_its_children_and_warns_when_reported_done_with_children_open(tree, client_for, clock):
    followup.delegate(tree.get(tree.a), [tree.a1, tree.a2], date(2024, 3, 25), "", tree.huyena.id,
                      datetime(2024, 3, 10))
    report_done(tree, unit=tree.a1, user=tree.xaa1, when=datetime(2024, 3, 20, 9, 0))
    followup.confirm(tree.get(tree.a1), tree.huyena.id, datetime(2024, 3, 20, 15, 0))
    clock.now = datetime(2024, 3, 26, 8, 0)
    response = client_for("huyena").post(f"/giao-viec/{tree.assignment.id}",
                                         data={"state": "done", "note": "Xong", "version": str(tree.get(tree.a).version)},
                                         headers={"HX-Request": "true"})
    assert "Lưu ý: còn 1 đơn vị cấp dưới chưa hoàn thành" in response.get_data(as_text=True)
    page = client_for("tinh").get(f"/giao-viec/{tree.assignment.id}").get_data(as_text=True)
    assert "cấp dưới: 1/2 hoàn thành" in page and "Còn 1/2 đơn vị cấp dưới chưa hoàn thành" in page
    child_page = client_for("xaa1").get(f"/giao-viec/{tree.get(tree.a1).id}").get_data(as_text=True)
    assert "Huyện A" in child_page and "Giao việc theo cấp" in child_page  # where it came from


def test_the_admin_turns_confirmation_off_for_a_directive_and_done_counts_at_once(tree, client_for):
    from webapp.models import Directive
    d = tree.directive
    form = {"number": d.number, "issued": "01/03/2024", "issuer": str(d.issuer_id), "place": "", "subject": d.subject,
            "legal_bases": "", "recipients": "", "copies": "", "signing_authority": "", "signer_title": "",
            "signer_name": ""}  # the checkbox "Cần xác nhận hoàn thành" left unticked
    assert client_for("quantri").post(f"/quan-tri/van-ban/{d.id}/sua", data=form).status_code == 302
    assert Directive.get_by_id(d.id).needs_confirmation is False
    entry = AuditEntry.select().where(AuditEntry.object_type == "directive").order_by(AuditEntry.id.desc()).first()
    assert '"needs_confirmation": false' in entry.after
    a = report_done(tree)
    assert (a.state, a.done_at) == ("done", datetime(2024, 3, 25, 16, 30))
    assert client_for("quantri").post(f"/quan-tri/van-ban/{d.id}/sua",
                                      data={**form, "needs_confirmation": "y"}).status_code == 302
    assert Directive.get_by_id(d.id).needs_confirmation is True


# --- What each step tells the unit it concerns ------------------------------------------------

def notices(user):
    """What the user was told since the task was assigned (the new-assignment notice left out)."""
    return [(n.kind, n.text, n.link) for n in Notification.select()
            .where((Notification.user == user.id) & (Notification.kind != "new_assignment")).order_by(Notification.id)]


def test_a_return_and_a_confirmation_reach_the_assigned_units_users(tree):
    a = report_done(tree)
    followup.return_(a, tree.tinh.id, "Thiếu biên bản hội nghị.", datetime(2024, 3, 26, 9, 0))
    followup.confirm(report_done(tree, when=datetime(2024, 3, 27, 9, 0)), tree.tinh.id, datetime(2024, 3, 27, 15, 0))
    told = notices(tree.huyena)
    assert [kind for kind, _, _ in told] == ["returned", "confirmed"]
    assert "Thiếu biên bản hội nghị." in told[0][1] and "nhiệm vụ 1" in told[0][1]
    assert {link for _, _, link in told} == {f"/giao-viec/{a.id}"}
    assert notices(tree.lanhdao_a) == told  # every active user of the unit
    assert notices(tree.huyenb) == [] and notices(tree.tinh) == []


def test_an_extension_request_reaches_the_assigning_unit_and_its_decision_the_unit(tree):
    ext = ask(tree)
    assert [(kind, "Huyện A xin gia hạn đến 15/04/2024" in text) for kind, text, _ in notices(tree.tinh)] == [
        ("extension", True)]
    followup.decide_extension(ext, tree.tinh.id, False, "Hạn do tỉnh ấn định.", datetime(2024, 3, 29, 9, 0))
    [(kind, text, link)] = notices(tree.huyena)
    assert kind == "extension" and "Không được gia hạn đến 15/04/2024 (lý do: Hạn do tỉnh ấn định.)" in text
    second = ask(tree, day=date(2024, 4, 10), when=datetime(2024, 3, 30, 9, 0))
    followup.decide_extension(second, tree.tinh.id, True, "", datetime(2024, 3, 30, 15, 0))
    assert "Được gia hạn đến 10/04/2024" in notices(tree.huyena)[-1][1]


def test_a_delegation_tells_each_unit_below(tree):
    children = followup.delegate(tree.get(tree.a), [tree.a1, tree.a2], date(2024, 3, 25), "", tree.huyena.id,
                                 datetime(2024, 3, 10))
    [(kind, text, link)] = notices(tree.xaa1)
    assert kind == "delegated" and text.startswith("Huyện A giao cho đơn vị (hạn 25/03/2024)")
    assert link == f"/giao-viec/{children[0].id}"
    assert notices(tree.huyena) == []


def test_a_completion_reported_in_time_gets_no_overdue_or_due_soon_notice_while_it_waits(tree):
    report_done(tree)  # reported 25/03, due 31/03
    notifications.generate(datetime(2024, 3, 29, 8, 0), 3)
    notifications.generate(datetime(2024, 4, 10, 8, 0), 3)
    assert [kind for kind, _, _ in notices(tree.huyena)] == []
    assert "overdue" in [kind for kind, _, _ in notices(tree.huyenb)]  # B never reported: chased


def test_a_completion_reported_late_is_still_chased_while_it_waits(tree):
    report_done(tree, when=datetime(2024, 4, 2, 9, 0))
    notifications.generate(datetime(2024, 4, 10, 8, 0), 3)
    assert "overdue" in [kind for kind, _, _ in notices(tree.huyena)]
