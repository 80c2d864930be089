"""The monthly report assembled from the data as of a moment, as a plain JSON-safe dict.

The same dict is rendered on screen, printed, written to PDF and Excel, and frozen at submission,
so a submitted report never changes when the data does.
"""
import calendar
from datetime import date, datetime, time

from peewee import Case, fn

from ..models import (
    GROUPS,
    Assignment,
    Cooperation,
    CooperationInput,
    Directive,
    Occurrence,
    Task,
    Unit,
)
from ..rules import status
from ..rules.targets import rate
from . import progress

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


def month_end(year: int, month: int) -> datetime:
    return datetime.combine(date(year, month, calendar.monthrange(year, month)[1]), time(23, 59, 59))


def as_of(year: int, month: int, now: datetime) -> datetime:
    """A report speaks of its month up to now, or up to the month's end once it is over."""
    return min(now, month_end(year, month))


def directives_followed(report) -> list:
    """The report's directive, or every directive with an assignment of the reporting unit."""
    if report.directive_id:
        return [report.directive]
    ids = (Task.select(Task.directive).join(Assignment)
           .where((Assignment.unit == report.unit_id) & Assignment.delegated_from.is_null()))
    return list(Directive.select().where(Directive.id.in_(ids)).order_by(Directive.issued_on))


def _title(directives, year, month) -> str:
    if len(directives) == 1:
        return f"Kết quả thực hiện Công văn số {directives[0].number or '…'} tháng {month:02d}/{year}"
    return f"Kết quả thực hiện các văn bản chỉ đạo tháng {month:02d}/{year}"


def header(report, directives, moment: datetime) -> dict:
    unit = report.unit
    parent = unit.parent
    # The date line names a place: the report's own, else the directive's ("Quảng Trị").
    place = report.place or next((d.place for d in directives if d.place), "") or unit.name
    return {
        "parent": parent.name.upper() if parent else "",
        "issuer": unit.name.upper(),
        "number": f"Số: {report.number}" if report.number else "Số:      /BC-",
        "quoc_hieu": QUOC_HIEU, "tieu_ngu": TIEU_NGU,
        "place_date": f"{place}, ngày {moment:%d} tháng {moment:%m} năm {moment:%Y}",
        "title": "BÁO CÁO",
        "subtitle": _title(directives, report.year, report.month),
        "recipients": _lines(report.recipients) or sorted({d.issuer.name for d in directives}),
    }


def _lines(text: str) -> list:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def task_results(directive_ids, moment: datetime) -> dict:
    """I. Per unit: the directive's own assignments (lead units; what they passed down is theirs) in
    each status class as of the moment, the completion rate, how many were extended, and per unit
    its cooperations: asked and answered as of the moment."""
    rows = (Assignment.select(Assignment.due_at, Assignment.done_at, Assignment.reported_at,
                              Assignment.original_due_at, Unit.name, Unit.sort_name)
            .join(Task).switch(Assignment).join(Unit)
            .where(Task.directive.in_(directive_ids) & Assignment.delegated_from.is_null()).dicts())
    empty = {c: 0 for c in status.CLASSES}
    by_unit, extended = {}, {}
    for row in rows:
        cls = status.classify(row["due_at"], row["done_at"], moment, reported_at=row["reported_at"])
        key = (row["sort_name"], row["name"])
        by_unit.setdefault(key, dict(empty))[cls] += 1
        extended[key] = extended.get(key, 0) + (1 if row["original_due_at"] else 0)
    partners = partners_as_of(directive_ids, moment)
    for key in partners:
        by_unit.setdefault(key, dict(empty))
    table = [_result_row(name, counts, extended.get((sort, name), 0), partners.get((sort, name), (0, 0)))
             for (sort, name), counts in sorted(by_unit.items())]
    totals = {c: sum(r["counts"][c] for r in table) for c in status.CLASSES}
    return {"classes": status.CLASSES, "labels": status.LABELS, "rows": table,
            "total": _result_row("Tổng cộng", totals, sum(r["extended"] for r in table),
                                 (sum(r["partners_sent"] for r in table), sum(r["partners_asked"] for r in table)))}


def partners_as_of(directive_ids, moment: datetime) -> dict:
    """{(sort name, name): (sent, asked)} of the cooperations asked of each unit by the moment; one
    counts as sent when an input came after the lead's last request before the moment."""
    coops = (Cooperation.select(Cooperation.id, Unit.name, Unit.sort_name).join(Task).switch(Cooperation).join(Unit)
             .where(Task.directive.in_(directive_ids) & (Cooperation.requested_at <= moment)).dicts())
    by_id = {c["id"]: (c["sort_name"], c["name"]) for c in coops}
    history = (CooperationInput.select(CooperationInput.cooperation, CooperationInput.kind, CooperationInput.created_at)
               .where(CooperationInput.cooperation.in_(list(by_id) or [0]) & (CooperationInput.created_at <= moment))
               .order_by(CooperationInput.created_at).tuples())
    sent = {}
    for cooperation_id, kind, _ in history:
        sent[cooperation_id] = kind == "input"  # the last event by the moment decides
    result = {}
    for cooperation_id, key in by_id.items():
        done, asked = result.get(key, (0, 0))
        result[key] = (done + (1 if sent.get(cooperation_id) else 0), asked + 1)
    return result


def _result_row(name, counts, extended=0, partners=(0, 0)) -> dict:
    total = sum(counts.values())
    done = counts[status.DONE_ON_TIME] + counts[status.DONE_LATE]
    return {"unit": name, "counts": counts, "total": total, "done": done, "rate": rate(done, total),
            "extended": extended, "partners_sent": partners[0], "partners_asked": partners[1]}


def target_progress(unit: Unit, moment: datetime) -> dict | None:
    """II. The figures of the districts of the reporting unit's province (or of the communes of a
    district) as of the moment, against the cumulative quarterly targets."""
    if unit.kind == "ubnd_huyen":
        parent, child_kind = unit, "ubnd_xa"
    elif unit.parent and unit.parent.kind == "ubnd_tinh":
        parent, child_kind = unit.parent, "ubnd_huyen"
    else:
        return None
    tables = progress.rollup(parent, child_kind, moment.date())
    groups = []
    for group, label in GROUPS.items():
        rows = tables[group]
        groups.append({"label": label, "rows": [_figure_row(r.unit.name, r) for r in rows],
                       "total": _figure_row("Tổng cộng", progress.total_of(rows, parent, group))})
    return {"area": parent.name, "groups": groups}


def _figure_row(name, r) -> dict:
    return {"unit": name, "beneficiaries": r.beneficiaries, "accounts_opened": r.accounts_opened,
            "paid_cashless": r.paid_cashless, "rate_total": r.rate_total, "target_to_date": r.target_to_date,
            "rate_target": r.rate_target}


def discipline(directive_ids, year: int, month: int, moment: datetime) -> dict:
    """III. Reporting discipline in the month: occurrences due so far, submitted, on time."""
    start = datetime(year, month, 1)
    submitted = Occurrence.submitted_at.is_null(False) & (Occurrence.submitted_at <= moment)
    on_time = submitted & (Occurrence.submitted_at <= Occurrence.due_at)
    rows = (Occurrence.select(Unit.name, Unit.sort_name, fn.COUNT(Occurrence.id).alias("expected"),
                              fn.SUM(Case(None, [(submitted, 1)], 0)).alias("submitted"),
                              fn.SUM(Case(None, [(on_time, 1)], 0)).alias("on_time"))
            .join(Assignment).join(Task).switch(Assignment).join(Unit)
            .where(Task.directive.in_(directive_ids) & (Occurrence.due_at >= start) & (Occurrence.due_at <= moment))
            .group_by(Unit.name, Unit.sort_name).order_by(Unit.sort_name).dicts())
    table = [_rate_row(r["name"], r["expected"], r["submitted"] or 0, r["on_time"] or 0) for r in rows]
    total = _rate_row("Tổng cộng", *(sum(r[k] for r in table) for k in ("expected", "submitted", "on_time")))
    return {"rows": table, "total": total}


def _rate_row(name, expected, submitted, on_time) -> dict:
    return {"unit": name, "expected": expected, "submitted": submitted, "on_time": on_time,
            "rate": rate(submitted, expected), "on_time_rate": rate(on_time, expected)}


def overdue_items(directive_ids, moment: datetime) -> list:
    """IV. The directive's own assignments past due and not done as of the moment (a completion
    reported in time and waiting for confirmation is not chased), the longest overdue first, with
    their extension and "waiting for confirmation" marks."""
    done = Assignment.done_at.is_null(False) & (Assignment.done_at <= moment)
    reported_in_time = (Assignment.reported_at.is_null(False) & (Assignment.reported_at <= moment)
                        & (Assignment.reported_at <= Assignment.due_at))
    rows = (Assignment.select(Assignment.due_at, Assignment.original_due_at, Assignment.reported_at,
                              Unit.name.alias("unit"), Task.number, Task.text, Directive.number.alias("directive"))
            .join(Task).join(Directive).switch(Assignment).join(Unit)
            .where(Task.directive.in_(directive_ids) & Assignment.delegated_from.is_null()
                   & (Assignment.due_at < moment) & ~done & ~reported_in_time)
            .order_by(Assignment.due_at, Unit.sort_name).dicts())
    items = []
    for r in rows:
        reported = r["reported_at"] if r["reported_at"] and r["reported_at"] <= moment else None
        notes = []
        if r["original_due_at"]:
            notes.append(f"Đã gia hạn (hạn ban đầu {r['original_due_at']:%d/%m/%Y})")
        if reported:
            notes.append(f"Chờ xác nhận (báo cáo hoàn thành {reported:%d/%m/%Y})")
        items.append({"unit": r["unit"], "task": f"{r['number']}. {r['text']}", "directive": r["directive"],
                      "days": status.days_late(r["due_at"], reported, moment), "due": r["due_at"].strftime("%d/%m/%Y"),
                      "note": "; ".join(notes)})
    return items


def assemble(report, now: datetime) -> dict:
    """Everything the report shows, computed as of min(now, the month's end)."""
    moment = as_of(report.year, report.month, now)
    directives = directives_followed(report)
    ids = [d.id for d in directives]
    return {
        "as_of": moment.strftime("%H:%M %d/%m/%Y"),
        "month": f"{report.month:02d}/{report.year}",
        "header": header(report, directives, now if now < month_end(report.year, report.month) else moment),
        "tasks": task_results(ids, moment),
        "targets": target_progress(report.unit, moment),
        "discipline": discipline(ids, report.year, report.month, moment),
        "overdue": overdue_items(ids, moment),
        "assessment": report.assessment,
        "copies": _lines(report.copies) or ["Như trên", "Lưu: VT"],
        "signature": {"authority": _lines(report.signing_authority), "title": report.signer_title,
                      "name": report.signer_name},
    }
