"""E-mail reminders: one digest a day per user of their new notifications, through SMTP (no Flask).

Safe to run twice or at once: each digest is claimed first (a row per user and day, unique), so only
one run sends it; its notifications are then marked e-mailed, so the next digest does not repeat them.
A digest the SMTP server refused is marked failed and tried again by the next run; a server that
cannot be reached leaves everything as it was. Either way a line goes to the log and nothing raises.
A run that dies between the server accepting a message and the database recording it leaves the claim
"sending": that digest is not sent again the same day, and its items go out the next day (rare, and
better than mailing everyone twice).
"""
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime

from peewee import JOIN, IntegrityError, chunked, fn

from ..db import database
from ..models import Notification, ReminderMail, Unit, User
from ..rules import digest
from . import notifications

log = logging.getLogger("webapp.reminders")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    starttls: bool = False
    user: str = ""
    password: str = ""
    mail_from: str = "Theo dõi nhiệm vụ <no-reply@localhost>"
    timeout: float = 30.0
    # The certificate authorities to trust for STARTTLS, when the server's certificate comes from the
    # province's own CA rather than one the system knows ("" = the system's).
    ca_file: str = ""
    # A password goes to the server only over TLS, unless the admin says the line is safe without it
    # (SMTP_ALLOW_PLAINTEXT_LOGIN=1: a relay on the same machine or a private link).
    allow_plaintext_login: bool = False

    @classmethod
    def from_config(cls, config) -> "SmtpSettings | None":
        """None when SMTP_HOST is not set: no e-mail at all."""
        if not config.get("SMTP_HOST"):
            return None
        return cls(host=config["SMTP_HOST"], port=int(config.get("SMTP_PORT") or 25),
                   starttls=bool(config.get("SMTP_STARTTLS")), user=config.get("SMTP_USER") or "",
                   password=config.get("SMTP_PASSWORD") or "",
                   mail_from=config.get("MAIL_FROM") or cls.mail_from, ca_file=config.get("SMTP_CA_FILE") or "",
                   allow_plaintext_login=bool(config.get("SMTP_ALLOW_PLAINTEXT_LOGIN")))


@dataclass
class Result:
    generated: int = 0          # in-app notifications created by this run
    sent: int = 0               # messages the SMTP server accepted
    failed: int = 0             # messages refused, to be tried again by the next run
    errors: list = field(default_factory=list)


def _pending_users():
    """Users with an address, the digest on, and unread notifications not yet e-mailed."""
    has_pending = (Notification.select(Notification.id)
                   .where((Notification.user == User.id) & Notification.read_at.is_null()
                          & Notification.emailed_at.is_null()))
    return list(User.select().where((User.active == True) & (User.email_reminders == True)  # noqa: E712
                                    & (User.email != "") & fn.EXISTS(has_pending)).order_by(User.id))


def _claim(user_id: int, now: datetime) -> bool:
    """Take today's digest of the user for this run: a new claim, or one that failed before."""
    try:
        with database.atomic():
            ReminderMail.create(user=user_id, day=now.date(), status="sending", claimed_at=now)
        return True
    except IntegrityError:
        pass
    return (ReminderMail.update(status="sending", claimed_at=now, error="")
            .where((ReminderMail.user == user_id) & (ReminderMail.day == now.date())
                   & (ReminderMail.status == "failed")).execute()) == 1


def _finish(user_id: int, now: datetime, status: str, items: int = 0, error: str = "") -> None:
    (ReminderMail.update(status=status, items=items, error=error[:300], sent_at=now if status == "sent" else None)
     .where((ReminderMail.user == user_id) & (ReminderMail.day == now.date())).execute())


def _items(user: User, app_url: str):
    rows = list(Notification.select(Notification, Unit.name.alias("unit_name"))
                .join(Unit, on=(Notification.unit == Unit.id), join_type=JOIN.LEFT_OUTER)
                .where((Notification.user == user.id) & Notification.read_at.is_null()
                       & Notification.emailed_at.is_null())
                .order_by(Notification.created_at, Notification.id).objects())
    base = app_url.rstrip("/")
    items = [digest.Item(unit=getattr(n, "unit_name", None) or "", kind_label=n.kind_label, text=n.text,
                         at=n.created_at, url=f"{base}{n.link}" if base and n.link else "")
             for n in rows]
    return [n.id for n in rows], items


PLAINTEXT_LOGIN_REFUSED = ("không gửi mật khẩu SMTP qua đường truyền chưa mã hóa: đặt SMTP_STARTTLS=1, hoặc "
                           "SMTP_ALLOW_PLAINTEXT_LOGIN=1 nếu đường truyền đến máy chủ thư chắc chắn an toàn")


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.user and not settings.starttls and not settings.allow_plaintext_login:
        raise smtplib.SMTPException(PLAINTEXT_LOGIN_REFUSED)  # before any connection: nothing leaves
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context(cafile=settings.ca_file or None))
        if settings.user:
            try:
                smtp.login(settings.user, settings.password)
            except UnicodeEncodeError:  # smtplib sends the login as ASCII only
                raise smtplib.SMTPException("SMTP_USER và SMTP_PASSWORD chỉ được có chữ không dấu (ASCII)") from None
    except Exception:
        smtp.close()
        raise
    return smtp


def send_digests(now: datetime, settings: SmtpSettings | None, app_url: str = "") -> Result:
    """Send today's digests that are due; see the module docstring for what happens on failure."""
    result = Result()
    if settings is None:
        return result
    users = _pending_users()
    if not users:
        return result
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        message = f"không kết nối được máy chủ SMTP {settings.host}:{settings.port}: {exc}"
        log.error("reminders: %s; %d digests left for the next run", message, len(users))
        result.errors.append(message)
        return result
    base = app_url.rstrip("/")
    try:
        for user in users:
            if not _claim(user.id, now):
                continue  # another run has it, or it was sent today
            ids, items = _items(user, app_url)
            if not items:
                ReminderMail.delete().where((ReminderMail.user == user.id) & (ReminderMail.day == now.date())
                                            & (ReminderMail.status == "sending")).execute()
                continue
            subject, text, html = digest.build(user.full_name, items, now.date(), f"{base}/thong-bao/" if base else "",
                                               f"{base}/tai-khoan" if base else "")
            msg = digest.message(settings.mail_from, user.full_name, user.email, subject, text, html)
            try:
                smtp.send_message(msg)
            except (OSError, smtplib.SMTPException) as exc:
                _finish(user.id, now, "failed", len(items), str(exc))
                result.failed += 1
                result.errors.append(f"{user.username}: {exc}")
                log.error("reminders: the digest of user %s (%d items) was refused: %s; retried next run",
                          user.username, len(items), exc)
                if not isinstance(exc, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)):
                    break  # the connection is gone (SMTPException is an OSError): the rest waits
                continue
            with database.atomic():
                for batch in chunked(ids, 500):
                    Notification.update(emailed_at=now).where(Notification.id.in_(batch)).execute()
                _finish(user.id, now, "sent", len(items))
            result.sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return result


def send_reminders(now: datetime, settings: SmtpSettings | None, due_soon_days: int, app_url: str = "") -> Result:
    """What `flask send-reminders` does: generate the time-based notifications, then e-mail the digests."""
    generated = notifications.generate(now, due_soon_days)
    result = send_digests(now, settings, app_url)
    result.generated = generated
    return result
