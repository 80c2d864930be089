"""The daily e-mail digest of a user's notifications, in Vietnamese, as plain text and HTML (pure:
the caller gives the items; no database, no mail server)."""
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from html import escape

from .vietnamese import format_number, sort_key

OTHER_UNIT = "Thông báo chung"
MAX_LISTED = 100  # a longer backlog is counted, not listed: the app has it all


@dataclass(frozen=True)
class Item:
    unit: str          # the unit the notification is about ("" when none)
    kind_label: str
    text: str
    at: datetime
    url: str           # absolute when the app's address is known, else ""


def group_by_unit(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """(unit name, its items oldest first) with the units in Vietnamese order, general items last."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.unit or "", []).append(item)
    ordered = sorted((name for name in groups if name), key=sort_key)
    if "" in groups:
        ordered.append("")
    return [(name or OTHER_UNIT, sorted(groups[name], key=lambda i: i.at)) for name in ordered]


def subject(count: int, day) -> str:
    return f"[Theo dõi nhiệm vụ] {format_number(count)} thông báo mới – {day:%d/%m/%Y}"


def build(full_name: str, items: list[Item], day, app_url: str = "", settings_url: str = "") -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the digest."""
    listed, more = items[:MAX_LISTED], len(items) - MAX_LISTED
    groups = group_by_unit(listed)
    lines = [f"Kính gửi {full_name},", "",
             f"Hệ thống Theo dõi nhiệm vụ có {format_number(len(items))} thông báo mới cho anh/chị "
             f"(tính đến ngày {day:%d/%m/%Y}):", ""]
    for unit, unit_items in groups:
        lines.append(unit.upper())
        for item in unit_items:
            lines.append(f"- [{item.kind_label}] {item.text}")
            if item.url:
                lines.append(f"  {item.url}")
        lines.append("")
    if more > 0:
        lines += [f"… và {format_number(more)} thông báo khác: xem trong ứng dụng.", ""]
    if app_url:
        lines.append(f"Xem tất cả thông báo: {app_url}")
    footer = ("Thư này được gửi tự động, vui lòng không trả lời. Anh/chị có thể thôi nhận thư tại trang "
              "“Tài khoản của tôi”" + (f": {settings_url}" if settings_url else "") + ".")
    lines += ["", "--", footer]
    text = "\n".join(lines) + "\n"

    parts = [f"<p>Kính gửi {escape(full_name)},</p>",
             f"<p>Hệ thống Theo dõi nhiệm vụ có <strong>{format_number(len(items))}</strong> thông báo mới "
             f"cho anh/chị (tính đến ngày {day:%d/%m/%Y}):</p>"]
    for unit, unit_items in groups:
        parts.append(f'<h3 style="margin:1em 0 .3em;font-size:1em">{escape(unit)}</h3><ul>')
        for item in unit_items:
            label = f"<em>{escape(item.kind_label)}</em>: "
            body = (f'<a href="{escape(item.url)}">{escape(item.text)}</a>' if item.url else escape(item.text))
            parts.append(f"<li>{label}{body}</li>")
        parts.append("</ul>")
    if more > 0:
        parts.append(f"<p>… và {format_number(more)} thông báo khác: xem trong ứng dụng.</p>")
    if app_url:
        parts.append(f'<p><a href="{escape(app_url)}">Xem tất cả thông báo</a></p>')
    settings = (f'<a href="{escape(settings_url)}">Tài khoản của tôi</a>' if settings_url
                else "“Tài khoản của tôi”")
    parts.append(f'<hr><p style="color:#5b6775;font-size:.9em">Thư này được gửi tự động, vui lòng không trả lời. '
                 f"Anh/chị có thể thôi nhận thư tại trang {settings}.</p>")
    html = ('<!doctype html><html lang="vi"><head><meta charset="utf-8"></head>'
            '<body style="font-family:Arial,sans-serif;color:#1d2733">' + "".join(parts) + "</body></html>")
    return subject(len(items), day), text, html


def message(sender: str, to_name: str, to_address: str, subject_line: str, text: str, html: str) -> EmailMessage:
    """A multipart/alternative message, UTF-8 throughout (Vietnamese names in headers too)."""
    msg = EmailMessage()
    msg["Subject"] = subject_line
    msg["From"] = sender
    msg["To"] = formataddr((to_name, to_address))
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg
