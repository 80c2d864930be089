"""Notifications in the app and the daily e-mail digest, sent to a real SMTP server running in-process
(aiosmtpd): what it receives, once; a failing server leaves the reminders for the next run."""
import logging
import socket
import ssl
import subprocess
import threading
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from webapp.core import notifications, reminders
from webapp.db import database
from webapp.models import Assignment, Notification, ReminderMail, Task, Unit, User

DEMO_NOW = datetime(2024, 3, 20, 7, 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every message it accepts; `refuse` makes it answer 451 to DATA."""

    def __init__(self):
        self.messages = []
        self.refuse = False
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Máy chủ tạm thời không nhận thư"
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self, address):
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, reminders.SmtpSettings(host="127.0.0.1", port=controller.port,
                                        mail_from="Theo dõi nhiệm vụ <nhacviec@example.invalid>")
    controller.stop()


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def unit_id(name):
    return Unit.get(Unit.name == name).id


# --- In the app ---------------------------------------------------------------------------------

def test_a_new_assignment_is_notified_to_the_users_of_its_unit(demo):
    giolinh = User.get(User.username == "giolinh")
    texts = [n.text for n in Notification.select().where((Notification.user == giolinh.id)
                                                          & (Notification.kind == "new_assignment"))]
    # Gio Linh leads the six tasks of section 3 (its cooperation on 1.1 and 1.4 is a request, not an assignment).
    assert len(texts) == 6
    assert any(t.startswith("Giao việc mới (chủ trì): nhiệm vụ 3.2") and "31/01/2024" in t for t in texts)
    assert not Notification.select().join(User).where(User.username == "quaicang",
                                                      Notification.text.contains("3.2")).exists()


def test_generate_creates_each_notification_once_and_overdue_again_a_week_later(demo):
    due_soon = 3
    first = notifications.generate(DEMO_NOW, due_soon)
    assert first > 0
    assert notifications.generate(DEMO_NOW, due_soon) == 0
    # An hour later nothing new has fallen due or overdue.
    assert notifications.generate(DEMO_NOW + timedelta(hours=1), due_soon) == 0
    quaicang = User.get(User.username == "quaicang")
    # Quài Cang's weekly report is due today (Wednesday 20/03 at 14:00) and its 13/03 one is overdue.
    kinds = {n.kind: n for n in Notification.select().where(Notification.user == quaicang.id)}
    assert "report_due_today" in kinds and "trước 14:00" in kinds["report_due_today"].text
    assert kinds["report_due_today"].link.startswith("/giao-viec/")
    overdue_before = Notification.select().where(Notification.kind == "overdue").count()
    # Nothing new a day later for what was already overdue; a week later, once more.
    notifications.generate(DEMO_NOW + timedelta(days=1), due_soon)
    gio_linh_32 = (Assignment.select().join(Task).switch(Assignment).join(Unit)
                   .where((Task.number == "3.2") & (Unit.name == "UBND huyện Gio Linh")).get())
    keys = [n.dedupe_key for n in Notification.select().where(Notification.dedupe_key.startswith(
        f"overdue:{gio_linh_32.id}:"))]
    assert len(keys) == 1
    notifications.generate(DEMO_NOW + timedelta(days=7), due_soon)
    keys = [n.dedupe_key for n in Notification.select().where(Notification.dedupe_key.startswith(
        f"overdue:{gio_linh_32.id}:"))]
    assert len(keys) == 2
    assert Notification.select().where(Notification.kind == "overdue").count() > overdue_before


def test_due_soon_is_told_within_due_soon_days_only(app, factory):
    unit = factory.unit("Xã Sắp Hạn")
    user = factory.user("sap_han", unit=unit)
    near = factory.task(lead=[unit], due=date(2024, 3, 22), text="Việc gần")
    factory.task(lead=[unit], due=date(2024, 4, 22), text="Việc xa")
    notifications.generate(datetime(2024, 3, 20, 10), due_soon_days=3)
    soon = list(Notification.select().where((Notification.user == user.id) & (Notification.kind == "due_soon")))
    assert [n.text for n in soon] == ["Sắp đến hạn (22/03/2024): nhiệm vụ " + near.number + " “Việc gần”"]


def test_notify_is_idempotent_per_user_and_key_and_refuses_outside_links(app, factory):
    unit = factory.unit("Xã Nhận Tin")
    a, b = factory.user("nhan_a", unit=unit), factory.user("nhan_b", unit=unit)
    other = factory.user("nhan_khac")
    now = datetime(2024, 3, 20, 10)
    assert notifications.notify("returned", "Báo cáo bị trả lại", key="returned:1", link="/giao-viec/1",
                                to_units=[unit.id], to_users=[other.id], now=now) == 3
    assert notifications.notify("returned", "Báo cáo bị trả lại", key="returned:1", link="/giao-viec/1",
                                to_units=[unit.id], to_users=[other.id], now=now) == 0
    assert Notification.select().where(Notification.dedupe_key == "returned:1").count() == 3
    with pytest.raises(ValueError):
        notifications.notify("returned", "x", key="k", link="https://evil.example/", to_users=[a.id], now=now)
    with pytest.raises(ValueError):
        notifications.notify("no_such_kind", "x", key="k", to_users=[a.id], now=now)
    assert {n.user_id for n in Notification.select()} == {a.id, b.id, other.id}


def test_two_concurrent_generations_create_nothing_twice(demo, app):
    errors = []

    def run():
        try:
            with database.connection_context():
                notifications.generate(DEMO_NOW, 3)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    pairs = list(Notification.select(Notification.user, Notification.dedupe_key).tuples())
    assert len(pairs) == len(set(pairs)) and pairs


def test_the_navigation_counts_unread_and_the_list_marks_them_read(demo, client_for):
    client = client_for("quaicang")
    home = client.get("/").get_data(as_text=True)
    unread = notifications.unread_count(User.get(User.username == "quaicang").id)
    assert unread >= 3  # two new assignments, the weekly report due today, the overdue one
    assert f'aria-label="{unread} chưa đọc"' in home
    page = client.get("/thong-bao/").get_data(as_text=True)
    assert "Hôm nay hạn nộp báo cáo trước 14:00" in page
    first = Notification.select().join(User).where(User.username == "quaicang").order_by(Notification.id).first()
    # htmx marks one read in place; the fragment comes back without the page around it.
    fragment = client.post(f"/thong-bao/{first.id}/da-doc", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and f"Chưa đọc ({unread - 1})" in fragment
    # Opening one goes to its page.
    second = (Notification.select().join(User).where((User.username == "quaicang") & Notification.read_at.is_null())
              .first())
    response = client.get(f"/thong-bao/{second.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(second.link)
    assert Notification.get_by_id(second.id).read_at is not None
    # Everything read: the count leaves the navigation.
    assert client.post("/thong-bao/da-doc-tat-ca").status_code == 302
    assert "chưa đọc\"" not in client.get("/").get_data(as_text=True)
    assert "Không có thông báo nào chưa đọc" in client.get("/thong-bao/?loc=chua-doc").get_data(as_text=True)


def test_a_user_cannot_open_or_mark_someone_elses_notification(demo, client_for):
    theirs = Notification.select().join(User).where(User.username == "giolinh").first()
    client = client_for("quaicang")
    assert client.get(f"/thong-bao/{theirs.id}").status_code == 404
    assert client.post(f"/thong-bao/{theirs.id}/da-doc").status_code == 404
    assert Notification.get_by_id(theirs.id).read_at is None


def test_time_based_notifications_are_made_on_page_load_at_most_once_an_hour(demo, client_for, clock):
    quaicang = User.get(User.username == "quaicang")
    assert not Notification.select().where((Notification.user == quaicang.id)
                                           & (Notification.kind == "overdue")).exists()
    client = client_for("quaicang")
    client.get("/")
    overdue = Notification.select().where((Notification.user == quaicang.id) & (Notification.kind == "overdue"))
    assert overdue.count() == 1
    Notification.delete().where(Notification.user == quaicang.id).execute()
    clock.now += timedelta(minutes=30)
    client.get("/")
    assert overdue.count() == 0  # checked less than an hour ago
    clock.now += timedelta(minutes=31)
    client.get("/")
    assert overdue.count() == 1


# --- By e-mail ----------------------------------------------------------------------------------

def test_the_digest_reaches_the_user_grouped_by_unit_and_is_sent_once(demo, smtp):
    inbox, settings = smtp
    result = reminders.send_reminders(DEMO_NOW, settings, 3, app_url="https://theodoi.example.invalid")
    assert result.sent == len(inbox.messages) > 0 and result.failed == 0
    [message] = inbox.to("quaicang@example.invalid")
    assert message["Subject"].startswith("[Theo dõi nhiệm vụ]") and "20/03/2024" in message["Subject"]
    assert "Lò Văn Thành" in message["To"]
    text = text_of(message)
    assert "Kính gửi Lò Văn Thành," in text
    assert "TỔ CÔNG TÁC ĐỀ ÁN 06 XÃ QUÀI CANG" in text
    assert "Hôm nay hạn nộp báo cáo trước 14:00" in text
    assert "https://theodoi.example.invalid/giao-viec/" in text
    html = html_of(message)
    assert "<h3" in html and "Tổ công tác Đề án 06 xã Quài Cang" in html and 'href="https://theodoi' in html
    # Every e-mailed notification is recorded; a second run sends nothing.
    quaicang = User.get(User.username == "quaicang")
    assert ReminderMail.get(ReminderMail.user == quaicang.id).status == "sent"
    assert not Notification.select().where((Notification.user == quaicang.id)
                                           & Notification.emailed_at.is_null()).exists()
    before = len(inbox.messages)
    again = reminders.send_reminders(DEMO_NOW + timedelta(hours=1), settings, 3)
    assert again.sent == 0 and len(inbox.messages) == before


@pytest.fixture
def tls_smtp(tmp_path):
    """A mail server that asks for STARTTLS and a login before it takes a message, with a certificate of
    its own (as a province's mail server with the province's CA)."""
    key, cert = tmp_path / "smtp.key", tmp_path / "smtp.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"theodoi@tinh.example.invalid", b"mat-khau-thu-2024")
        logins.append((mechanism, ok, session.ssl is not None))
        return AuthResult(success=ok)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True, auth_required=True, authenticator=authenticator)
    controller.start()
    settings = reminders.SmtpSettings(host="127.0.0.1", port=controller.port, starttls=True,
                                      user="theodoi@tinh.example.invalid", password="mat-khau-thu-2024",
                                      mail_from="Theo dõi nhiệm vụ <nhacviec@example.invalid>", ca_file=str(cert))
    yield inbox, settings, logins
    controller.stop()


def test_the_digest_goes_through_starttls_and_a_login(demo, tls_smtp):
    inbox, settings, logins = tls_smtp
    result = reminders.send_reminders(DEMO_NOW, settings, 3)
    assert result.sent == len(inbox.messages) > 0 and result.errors == []
    assert logins and all(ok and over_tls for _, ok, over_tls in logins)


def test_a_wrong_password_or_an_untrusted_certificate_sends_nothing_and_keeps_the_reminders(demo, tls_smtp, caplog):
    inbox, settings, _ = tls_smtp
    for wrong in (replace(settings, password="sai"), replace(settings, ca_file=""),  # "": the system's CAs
                  replace(settings, password="mật-khẩu")):  # smtplib logs in in ASCII only: said clearly
        with caplog.at_level(logging.ERROR):
            result = reminders.send_reminders(DEMO_NOW, wrong, 3)
        assert result.sent == 0 and result.errors and inbox.messages == []
    assert "chỉ được có chữ không dấu" in result.errors[0]
    assert not ReminderMail.select().where(ReminderMail.status == "sent").exists()
    assert reminders.send_reminders(DEMO_NOW + timedelta(hours=1), settings, 3).sent > 0  # retried and sent


@pytest.fixture
def plain_auth_smtp():
    """A mail server that takes a login without TLS (as a badly configured relay would)."""
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), auth_required=True,
                            auth_require_tls=False, authenticator=authenticator)
    controller.start()
    yield inbox, reminders.SmtpSettings(host="127.0.0.1", port=controller.port, user="theodoi@tinh.example.invalid",
                                        password="mat-khau-thu-2024"), logins
    controller.stop()


def test_a_password_is_never_sent_without_tls_unless_the_admin_allows_it(demo, plain_auth_smtp):
    inbox, settings, logins = plain_auth_smtp
    refused = reminders.send_reminders(DEMO_NOW, settings, 3)
    assert refused.sent == 0 and logins == [] and inbox.messages == []
    assert "không gửi mật khẩu SMTP qua đường truyền chưa mã hóa" in refused.errors[0]
    allowed = reminders.send_reminders(DEMO_NOW, replace(settings, allow_plaintext_login=True), 3)
    assert allowed.sent == len(inbox.messages) > 0
    assert logins == [(b"theodoi@tinh.example.invalid", b"mat-khau-thu-2024")]
    assert reminders.SmtpSettings.from_config({"SMTP_HOST": "x", "SMTP_ALLOW_PLAINTEXT_LOGIN": True}).allow_plaintext_login


def test_the_digest_groups_items_of_several_units(app, factory, smtp):
    inbox, settings = smtp
    district = factory.unit("UBND huyện Gộp", kind="ubnd_huyen")
    leader = factory.user("lanhdao_gop", role="leader", unit=district)
    User.update(email="lanhdao_gop@example.invalid").where(User.id == leader.id).execute()
    for name in ("Xã Bắc", "Xã An"):
        commune = factory.unit(name, parent=district)
        notifications.notify("overdue", f"{name} quá hạn", key=f"t:{name}", to_users=[leader.id],
                             about_unit=commune.id, now=DEMO_NOW)
    reminders.send_digests(DEMO_NOW, settings)
    [message] = inbox.to("lanhdao_gop@example.invalid")
    text = text_of(message)
    assert text.index("XÃ AN") < text.index("Xã An quá hạn") < text.index("XÃ BẮC") < text.index("Xã Bắc quá hạn")


def test_no_email_for_users_without_an_address_or_who_turned_it_off(demo, smtp, client_for):
    inbox, settings = smtp
    client = client_for("giolinh")
    response = client.post("/tai-khoan", data={"email": "giolinh@example.invalid"})  # the box unticked
    assert response.status_code == 302
    assert User.get(User.username == "giolinh").email_reminders is False
    User.update(email="").where(User.username == "tuangiao").execute()
    reminders.send_reminders(DEMO_NOW, settings, 3)
    assert inbox.to("giolinh@example.invalid") == [] and inbox.messages
    assert all("tuangiao" not in ",".join(rcpt) for rcpt, _ in inbox.messages)


def test_the_account_page_refuses_a_bad_address_and_keeps_the_old_one(demo, client_for):
    client = client_for("quaicang")
    page = client.get("/tai-khoan").get_data(as_text=True)
    assert "quaicang@example.invalid" in page and "Đổi mật khẩu" in page
    response = client.post("/tai-khoan", data={"email": "không phải e-mail", "email_reminders": "y"})
    assert response.status_code == 200 and "Địa chỉ e-mail không hợp lệ" in response.get_data(as_text=True)
    assert User.get(User.username == "quaicang").email == "quaicang@example.invalid"


def test_a_refusing_smtp_server_leaves_the_reminders_for_the_next_run(demo, smtp, caplog):
    inbox, settings = smtp
    inbox.refuse = True
    with caplog.at_level(logging.ERROR, logger="webapp.reminders"):
        result = reminders.send_reminders(DEMO_NOW, settings, 3)
    assert result.sent == 0 and result.failed > 0 and inbox.messages == []
    assert "refused" in caplog.text and "retried next run" in caplog.text
    assert not Notification.select().where(Notification.emailed_at.is_null(False)).exists()
    assert {m.status for m in ReminderMail.select()} == {"failed"}
    inbox.refuse = False
    retry = reminders.send_reminders(DEMO_NOW + timedelta(hours=2), settings, 3)
    assert retry.sent == result.failed == len(inbox.messages)
    assert {m.status for m in ReminderMail.select()} == {"sent"}


def test_an_unreachable_smtp_server_is_a_log_line_and_nothing_changes(demo, caplog):
    settings = reminders.SmtpSettings(host="127.0.0.1", port=free_port())  # nobody listens there
    with caplog.at_level(logging.ERROR, logger="webapp.reminders"):
        result = reminders.send_reminders(DEMO_NOW, settings, 3)
    assert result.sent == 0 and "không kết nối được máy chủ SMTP" in caplog.text
    assert ReminderMail.select().count() == 0
    assert not Notification.select().where(Notification.emailed_at.is_null(False)).exists()


def test_two_concurrent_runs_send_each_digest_once(demo, smtp, app):
    inbox, settings = smtp
    notifications.generate(DEMO_NOW, 3)
    results, errors = [], []

    def run():
        try:
            with database.connection_context():
                results.append(reminders.send_digests(DEMO_NOW, settings))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    recipients = [r for rcpt, _ in inbox.messages for r in rcpt]
    assert len(recipients) == len(set(recipients)) == sum(r.sent for r in results) > 0


def test_the_command_prints_how_many_messages_it_sent(demo, app, smtp, clock):
    inbox, settings = smtp
    clock.now = DEMO_NOW
    app.config.update(SMTP_HOST=settings.host, SMTP_PORT=settings.port, MAIL_FROM=settings.mail_from)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert f"Đã gửi {len(inbox.messages)} thư nhắc việc." in first.output and inbox.messages
    second = runner.invoke(args=["send-reminders"])
    assert second.exit_code == 0 and "Đã gửi 0 thư nhắc việc." in second.output
    app.config["SMTP_HOST"] = ""
    third = runner.invoke(args=["send-reminders"])
    assert "Chưa đặt SMTP_HOST: không gửi e-mail." in third.output


def test_a_failing_server_during_the_command_is_not_a_crash(demo, app, clock):
    clock.now = DEMO_NOW
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "Đã gửi 0 thư nhắc việc." in result.output
    assert "thử lại ở lần chạy sau" in result.output


def test_a_working_day_report_is_not_told_on_a_sunday(demo):
    sunday = datetime.combine(date(2024, 3, 24), time(7, 0))
    notifications.generate(sunday, 3)
    texts = [n.text for n in Notification.select().join(User).where(
        (User.username == "giolinh") & (Notification.kind == "report_due_today"))]
    assert texts == []
    notifications.generate(sunday + timedelta(days=1), 3)
    texts = [n.text for n in Notification.select().join(User).where(
        (User.username == "giolinh") & (Notification.kind == "report_due_today"))]
    assert texts and all("trước 09:00" in t for t in texts)


def test_the_deploy_timer_runs_the_command_daily_at_7_vietnam_time():
    import shutil
    import subprocess
    from pathlib import Path
    deploy = Path(__file__).resolve().parent.parent / "deploy"
    timer = (deploy / "theodoi-reminders.timer").read_text()
    service = (deploy / "theodoi-reminders.service").read_text()
    assert "OnCalendar=*-*-* 07:00:00 Asia/Ho_Chi_Minh" in timer and "Persistent=true" in timer
    assert "ExecStart=/opt/theodoi/.venv/bin/flask --app wsgi send-reminders" in service
    assert "Type=oneshot" in service and "EnvironmentFile=/etc/theodoi/theodoi.env" in service
    if shutil.which("systemd-analyze"):
        result = subprocess.run(["systemd-analyze", "calendar", "--iterations=2", "*-*-* 07:00:00 Asia/Ho_Chi_Minh"],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
