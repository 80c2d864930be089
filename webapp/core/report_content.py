"""The monthly report assembled from the data as of a moment, as a plain JSON-safe dict.

The same dict is rendered on screen, printed, written to PDF and Excel, and frozen at submission,
so a submitted report never changes when the data does.
"""
import calendar
from datetime import date, datetime, time

from peewee import Case, fn

from ..models import GROUPS, Assignment, Directive, Occurrence, Task, Unit
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
    ids = Task.select(Task.directive).join(Assignment).where(Assignment.unit == report.unit_id)
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
    """I. Per unit: assignments in each status class as of the moment, and the completion rate."""
    rows = (Assignment.select(Assignment.due_at, Assignment.done_at, Unit.name, Unit.sort_name)
            .join(Task).switch(Assignment).join(Unit)
            .where(Task.directive.in_(directive_ids)).dicts())
    by_unit = {}
    for row in rows:
        done = row["done_at"] if row["done_at"] and row["done_at"] <= moment else None
        cls = status.classify(row["due_at"], done, moment)
        entry = by_unit.setdefault((row["sort_name"], row["name"]), {c: 0 for c in status.CLASSES})
        entry[cls] += 1
    table = [_result_row(name, counts) for (_, name), counts in sorted(by_unit.items())]
    totals = {c: sum(r["counts"][c] for r in table) for c in status.CLASSES}
    return {"classes": status.CLASSES, "labels": status.LABELS, "rows": table,
            "total": _result_row("Tổng cộng", totals)}


def _result_row(name, counts) -> dict:
    total = sum(counts.values())
    done = counts[status.DONE_ON_TIME] + counts[status.DONE_LATE]
    return {"unit": name, "counts": counts, "total": total, "done": done, "rate": rate(done, total)}


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
    """IV. Assignments past due and not done as of the moment, the longest overdue first."""
    rows = (Assignment.select(Assignment.due_at, Unit.name.alias("unit"), Task.number, Task.text,
                              Directive.number.alias("directive"))
            .join(Task).join(Directive).switch(Assignment).join(Unit)
            .where(Task.directive.in_(directive_ids) & (Assignment.due_at < moment)
                   & (Assignment.done_at.is_null() | (Assignment.done_at > moment)))
            .order_by(Assignment.due_at, Unit.sort_name).dicts())
    return [{"unit": r["unit"], "task": f"{r['number']}. {r['text']}", "directive": r["directive"],
             "days": (moment - r["due_at"]).days, "due": r["due_at"].strftime("%d/%m/%Y")} for r in rows]


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
