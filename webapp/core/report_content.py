"""The monthly report assembled from the data as of a moment, as a plain JSON-safe dict.

The same dict is rendered on screen, printed, written to PDF, Word and Excel, and frozen at
submission, so a submitted report never changes when the data does. Its header follows Nghị định
30/2020 (rules/nd30.py); its figures cover the report's data period (rules/reporting.py), and every
total says which units it covers.
"""
import calendar
from dataclasses import asdict
from datetime import date, datetime, time

from peewee import SQL, Case, fn

from ..models import (
    GROUPS,
    Assignment,
    Cooperation,
    CooperationInput,
    Directive,
    Figure,
    Occurrence,
    Task,
    Unit,
)
from ..rules import deadlines, nd30, status
from ..rules.reporting import REPORT_PERIODS, monthly_report_period
from ..rules.targets import rate
from . import progress
from .access import report_coverage
from .assignments import existed_by, status_case
from .units import document_place, shown_parent

QUOC_HIEU = nd30.QUOC_HIEU
TIEU_NGU = nd30.TIEU_NGU
VERSION = 2  # the shape of the dict; normalise() brings reports frozen in an older shape up to it
NOT_REPORTED = "Chưa báo cáo"


def month_end(year: int, month: int) -> datetime:
    return datetime.combine(date(year, month, calendar.monthrange(year, month)[1]), time(23, 59, 59))


def as_of(year: int, month: int, now: datetime) -> datetime:
    """A calendar-month report speaks of its month up to now, or up to the month's end once it is over."""
    return min(now, month_end(year, month))


def directives_followed(report, moment: datetime | None = None) -> list:
    """The report's directive, or every directive with an assignment of the reporting unit (issued
    by the moment, when one is given)."""
    if report.directive_id:
        return [report.directive]
    ids = (Task.select(Task.directive).join(Assignment)
           .where((Assignment.unit == report.unit_id) & Assignment.delegated_from.is_null()))
    query = Directive.select().where(Directive.id.in_(ids))
    if moment is not None:
        query = query.where((Directive.issued_on.is_null(False) & (Directive.issued_on <= moment.date()))
                            | (Directive.issued_on.is_null() & (Directive.created_at <= moment)))
    return list(query.order_by(Directive.issued_on))


def _title(directives, year, month) -> str:
    if len(directives) == 1:
        return f"Kết quả thực hiện Công văn số {directives[0].number or '…'} tháng {month:02d}/{year}"
    return f"Kết quả thực hiện các văn bản chỉ đạo tháng {month:02d}/{year}"


def symbol(unit: Unit) -> str:
    """"BC-SLĐTBXH": a report (BC) of the unit with that abbreviation."""
    return f"BC-{unit.abbreviation}" if unit.abbreviation else "BC"


def header(report, directives, signed_on: date) -> dict:
    """Ô 1–5: the Nghị định 30 header (the fields of rules.nd30.Header) and the title, as plain data."""
    unit = report.unit
    parent = shown_parent(unit)
    place = report.place or next((d.place for d in directives if d.place), "") or document_place(unit)
    head = nd30.Header(parent=nd30.parent_line(parent.name) if parent else "", issuer=nd30.issuer_lines(unit.name),
                       number=nd30.number_line(report.number, symbol(unit)),
                       place_date=nd30.place_date(place, signed_on))
    return {**asdict(head), "title": "BÁO CÁO", "subtitle": _title(directives, report.year, report.month),
            "recipients": _lines(report.recipients) or sorted({d.issuer.name for d in directives})}


def _lines(text: str) -> list:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def period_text(period, moment: datetime) -> str:
    """"Số liệu tính từ ngày 01/03/2024 đến ngày 31/03/2024." (and the decree, for its cut-off)."""
    end = datetime.combine(period.end, time(23, 59, 59))
    until = f"ngày {period.end:%d/%m/%Y}" if moment >= end else f"{moment:%H:%M} ngày {moment:%d/%m/%Y} (lúc lập báo cáo)"
    text = f"Số liệu tính từ ngày {period.start:%d/%m/%Y} đến {until}"
    if period.kind == "nd09":
        text += ", theo kỳ báo cáo quy định tại Điều 12 Nghị định số 09/2019/NĐ-CP"
    return text + "."


def intro(report, directives) -> str:
    """The opening paragraph: what is reported, by whom, on what."""
    if len(directives) == 1:
        d = directives[0]
        about = f"Công văn số {d.number or '…'} của {d.issuer.name}"
        if d.subject:
            subject = " ".join(d.subject.split())
            about += " về việc " + subject[4:] if subject.lower().startswith("v/v ") else f" {subject}"
    else:
        about = "các văn bản chỉ đạo được giao"
    return (f"Thực hiện {about}, {report.unit.name} báo cáo kết quả thực hiện tháng {report.month:02d}/{report.year} "
            f"như sau:")


# Section IV lists the longest overdue items; the Excel has them all.
MAX_OVERDUE_LISTED = 50
DUE_SOON_DAYS = 3  # as rules.status.classify counts by default


def task_results(directive_ids, moment: datetime, unit: Unit | None = None) -> dict:
    """I. Per unit: the directive's own assignments (lead units; what they passed down is theirs) of
    the tasks that existed at the moment, in each status class as of the moment (counted in SQL), the
    completion rate, how many were extended, and per unit its cooperations: asked and answered as of
    the moment. `unit`: the reporting unit, whose scope (covered) the rows keep to."""
    extended_case = fn.SUM(Case(None, [(Assignment.original_due_at.is_null(False), 1)], 0))
    rows = (Assignment.select(Unit.name, Unit.sort_name, status_case(moment, DUE_SOON_DAYS).alias("cls"),
                              fn.COUNT(Assignment.id), extended_case)
            .join(Task).join(Directive).switch(Assignment).join(Unit)
            .where(Task.directive.in_(directive_ids) & Assignment.delegated_from.is_null() & existed_by(moment)
                   & report_coverage(unit, directive_ids))
            .group_by(Unit.name, Unit.sort_name, SQL("cls")).order_by().tuples())
    empty = {c: 0 for c in status.CLASSES}
    by_unit, extended = {}, {}
    for name, sort_name, cls, n, n_extended in rows:
        key = (sort_name, name)
        by_unit.setdefault(key, dict(empty))[cls] += n
        extended[key] = extended.get(key, 0) + (n_extended or 0)
    partners = partners_as_of(directive_ids, moment, unit)
    for key in partners:
        by_unit.setdefault(key, dict(empty))
    table = [_result_row(name, counts, extended.get((sort, name), 0), partners.get((sort, name), (0, 0)))
             for (sort, name), counts in sorted(by_unit.items())]
    totals = {c: sum(r["counts"][c] for r in table) for c in status.CLASSES}
    total = _result_row(f"Tổng cộng ({len(table)} đơn vị)", totals, sum(r["extended"] for r in table),
                        (sum(r["partners_sent"] for r in table), sum(r["partners_asked"] for r in table)))
    return {"classes": status.CLASSES, "labels": status.LABELS, "rows": table, "total": total}


def partners_as_of(directive_ids, moment: datetime, unit: Unit | None = None) -> dict:
    """{(sort name, name): (sent, asked)} of the cooperations asked of each unit by the moment; one
    counts as sent when an input came after the lead's last request before the moment."""
    coops = (Cooperation.select(Cooperation.id, Unit.name, Unit.sort_name).join(Task).switch(Cooperation).join(Unit)
             .where(Task.directive.in_(directive_ids) & (Cooperation.requested_at <= moment)
                    & report_coverage(unit, directive_ids)).dicts())
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


def _latest_days(parent: Unit, child_kind: str, day: date) -> dict:
    """{(child id, group): the latest day with figures in the child's subtree, on or before `day`}."""
    child, member = Unit.alias("child"), Unit.alias("member")
    rows = (child.select(child.id.alias("cid"), Figure.group.alias("grp"), fn.MAX(Figure.day).alias("last"))
            .join(member, on=member.path.startswith(child.path))
            .join(Figure, on=(Figure.unit == member.id))
            .where((child.parent == parent.id) & (child.kind == child_kind) & (Figure.day <= day))
            .group_by(child.id, Figure.group).dicts())
    return {(r["cid"], r["grp"]): r["last"] for r in rows}


def target_progress(unit: Unit, moment: datetime) -> dict | None:
    """II. The figures of the districts of the reporting unit's province (or of the communes of a
    district), the latest each sent by the moment, against the cumulative quarterly targets. A unit
    that sent none is "chưa báo cáo", never a row of zeros; the total and its rates cover only the
    units that sent figures, and say so."""
    if unit.kind == "ubnd_huyen":
        parent, child_kind = unit, "ubnd_xa"
    elif unit.parent and unit.parent.kind == "ubnd_tinh":
        parent, child_kind = unit.parent, "ubnd_huyen"
    else:
        return None
    day = moment.date()
    tables = progress.rollup(parent, child_kind, day)
    latest = _latest_days(parent, child_kind, day)
    groups = []
    for group, label in GROUPS.items():
        rows = tables[group]
        reported = [r for r in rows if r.reported]
        total = _figure_row(f"Tổng cộng ({len(reported)}/{len(rows)} đơn vị đã báo cáo)",
                            progress.total_of(reported, parent, group) if reported else None, None)
        groups.append({"label": label, "total": total,
                       "rows": [_figure_row(r.unit.name, r if r.reported else None, latest.get((r.unit.id, group)))
                                for r in rows],
                       "missing": [r.unit.name for r in rows if not r.reported]})
    return {"area": parent.name, "groups": groups, "day": f"{day:%d/%m/%Y}"}


def _figure_row(name, r, last_day) -> dict:
    """A row of figures, or of a unit that has not reported (`r` None): no figures at all."""
    if r is None:
        return {"unit": name, "reported": False, "day": None, "beneficiaries": None, "accounts_opened": None,
                "paid_cashless": None, "rate_total": None, "target_to_date": None, "rate_target": None}
    return {"unit": name, "reported": True, "day": f"{last_day:%d/%m/%Y}" if last_day else None,
            "beneficiaries": r.beneficiaries, "accounts_opened": r.accounts_opened, "paid_cashless": r.paid_cashless,
            "rate_total": r.rate_total, "target_to_date": r.target_to_date, "rate_target": r.rate_target}


def discipline(directive_ids, start: datetime, moment: datetime, unit: Unit | None = None) -> dict:
    """III. Reporting discipline in the period: occurrences due from `start` to the moment, submitted
    by the moment, on time."""
    submitted = Occurrence.submitted_at.is_null(False) & (Occurrence.submitted_at <= moment)
    on_time = submitted & (Occurrence.submitted_at <= Occurrence.due_at)
    rows = (Occurrence.select(Unit.name, Unit.sort_name, fn.COUNT(Occurrence.id).alias("expected"),
                              fn.SUM(Case(None, [(submitted, 1)], 0)).alias("submitted"),
                              fn.SUM(Case(None, [(on_time, 1)], 0)).alias("on_time"))
            .join(Assignment).join(Task).switch(Assignment).join(Unit)
            .where(Task.directive.in_(directive_ids) & (Occurrence.due_at >= start) & (Occurrence.due_at <= moment)
                   & report_coverage(unit, directive_ids))
            .group_by(Unit.name, Unit.sort_name).order_by(Unit.sort_name).dicts())
    table = [_rate_row(r["name"], r["expected"], r["submitted"] or 0, r["on_time"] or 0) for r in rows]
    total = _rate_row(f"Tổng cộng ({len(table)} đơn vị)",
                      *(sum(r[k] for r in table) for k in ("expected", "submitted", "on_time")))
    return {"rows": table, "total": total}


def _rate_row(name, expected, submitted, on_time) -> dict:
    return {"unit": name, "expected": expected, "submitted": submitted, "on_time": on_time,
            "rate": rate(submitted, expected), "on_time_rate": rate(on_time, expected)}


def overdue_items(directive_ids, moment: datetime, unit: Unit | None = None) -> list:
    """IV. The directive's own assignments past due and not done as of the moment (a completion
    reported in time and waiting for confirmation is not chased), the longest overdue first, with
    their extension and "waiting for confirmation" marks."""
    done = Assignment.done_at.is_null(False) & (Assignment.done_at <= moment)
    reported_in_time = (Assignment.reported_at.is_null(False) & (Assignment.reported_at <= moment)
                        & (Assignment.reported_at <= Assignment.due_at))
    rows = (Assignment.select(Assignment.due_at, Assignment.original_due_at, Assignment.reported_at,
                              Unit.name.alias("unit"), Task.number, Task.text, Directive.number.alias("directive"))
            .join(Task).join(Directive).switch(Assignment).join(Unit)
            .where(Task.directive.in_(directive_ids) & Assignment.delegated_from.is_null() & existed_by(moment)
                   & (Assignment.due_at < moment) & ~done & ~reported_in_time & report_coverage(unit, directive_ids))
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
    """Everything the report shows, computed as of the end of its data period (or now, before it
    ends), dated the day the author set for signing (today by default)."""
    period = monthly_report_period(report.year, report.month, report.period or "month")
    moment = min(now, datetime.combine(period.end, time(23, 59, 59)))
    directives = directives_followed(report, moment)
    ids = [d.id for d in directives]
    return {
        "version": VERSION,
        "as_of": moment.strftime("%H:%M %d/%m/%Y"),
        "month": f"{report.month:02d}/{report.year}",
        "period": {"kind": period.kind, "label": REPORT_PERIODS.get(period.kind, ""),
                   "start": f"{period.start:%d/%m/%Y}", "end": f"{period.end:%d/%m/%Y}",
                   "text": period_text(period, moment)},
        "header": header(report, directives, report.signed_on or now.date()),
        "intro": intro(report, directives),
        "tasks": task_results(ids, moment, report.unit),
        "targets": target_progress(report.unit, moment),
        "discipline": discipline(ids, datetime.combine(period.start, time.min), moment, report.unit),
        "overdue": overdue_items(ids, moment, report.unit),
        "overdue_listed": MAX_OVERDUE_LISTED,
        "assessment": report.assessment,
        "copies": nd30.copies_lines(_lines(report.copies) or ["Như trên"]),
        "signature": asdict(nd30.signature(report.signing_authority, report.signer_title, report.signer_name)),
    }


def normalise(data: dict) -> dict:
    """A report frozen before version 2 in today's shape, its texts and figures as they were: the
    issuer's name as lines, Nơi nhận with its marks, the period said from its cut-off, every row of
    figures counted as reported."""
    if data.get("version", 1) >= VERSION:
        return data
    data = dict(data)
    head = dict(data.get("header", {}))
    if isinstance(head.get("issuer"), str):
        head["issuer"] = nd30.issuer_lines(head["issuer"])
    head.setdefault("summary", "")
    head.setdefault("quoc_hieu", QUOC_HIEU)
    head.setdefault("tieu_ngu", TIEU_NGU)
    data["header"] = head
    data["copies"] = nd30.copies_lines(data.get("copies") or ["Như trên"])
    data.setdefault("period", {"kind": "month", "label": "", "start": "", "end": "",
                               "text": f"Số liệu tính đến {data.get('as_of', '')}."})
    data.setdefault("intro", "")
    for group in (data.get("targets") or {}).get("groups", []):
        for row in [*group.get("rows", []), group.get("total", {})]:
            row.setdefault("reported", True)
            row.setdefault("day", None)
        group.setdefault("missing", [])
    data["version"] = VERSION
    return data
