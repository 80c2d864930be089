"""The unit home: the assignments of the user's unit (leaders: their subtree), filtered in place; what
waits for the user's decision, the unit's cooperations, and the decisions on its work lately."""
from flask import current_app, render_template, request
from flask_login import current_user

from ..core import assignments, tallies
from ..rules import status
from ..web import (
    PICK_LIMIT,
    PICKERS,
    Page,
    drops_blank_args,
    due_soon_days,
    ensure_occurrences,
    is_htmx,
    page_number,
    picked,
    query_args,
)
from . import bp, queries

LATE = "late"  # a pseudo class for the scorecard's links: done late or overdue


@bp.route("/")
@drops_blank_args
def index():
    now = ensure_occurrences()
    soon = due_soon_days()
    unit_pick = picked("unit")
    directive_pick = picked("directive")
    unit = unit_pick.chosen
    directive_id = directive_pick.chosen.id if directive_pick.chosen else None
    wanted = request.args.get("status", "")
    status_class = wanted if wanted in status.CLASSES else ""
    delegated = request.args.get("delegated") == "1"

    base = queries.narrow(assignments.scoped(current_user, unit, directive_id, delegated), request.args, now, soon)
    if directive_id or queries.is_narrowed(request.args):  # a directive's few, or the scorecard's links
        counts = assignments.counts_by_status(base, now, soon)
    else:
        counts = tallies.status_counts(current_user, unit, delegated, now, soon)
    listed = base
    if wanted == LATE:
        listed = base.where(assignments.status_case(now, soon).in_([status.OVERDUE, status.DONE_LATE]))
    total = None if wanted == LATE else counts[status_class] if status_class else sum(counts.values())
    page = Page(assignments.filtered(listed, status_class, now, soon), page_number(),
                current_app.config["PAGE_SIZE"], total)
    narrowed = {k: request.args.get(k) for k in ("due_from", "due_to", "flag", "since", "until") if request.args.get(k)}
    context = dict(
        rows=[(a, queries.classify(a, now, soon)) for a in page.items], page=page,
        counts=counts, total=sum(counts.values()), status_class=status_class, directive_id=directive_id,
        unit=unit, classes=status.CLASSES, late=wanted == LATE, delegated=delegated, narrowed=narrowed,
        flag_label=queries.FLAGS.get(request.args.get("flag")),
        picks={"unit": unit_pick, "directive": directive_pick}, pick_unit=current_user.role != "staff",
    )
    if is_htmx():
        return render_template("home/_assignments.html", **context)
    coops, owed, coop_total = queries.cooperations(current_user, unit)
    return render_template("home/index.html", **context, waiting=queries.waiting_count(current_user),
                           cooperations=coops, owed=owed, coop_total=coop_total,
                           decisions=queries.recent_decisions(current_user, now, unit))


# Pages with search-as-you-type filters, and the block their links refresh.
PICK_PAGES = {"home.index": "#assignment-list", "dashboard.index": "#dashboard-body",
              "dashboard.overdue_list": "#overdue-body", "dashboard.scorecard": "#scorecard-body",
              "admin.audit": None}  # the audit's filters sit outside what it refreshes: a whole page
PICK_KINDS = {"don-vi": "unit", "van-ban": "directive"}


@bp.route("/goi-y/<any('don-vi', 'van-ban'):kind>")
def pick_options(kind):
    """The matches of what is typed in a filter field (htmx, while typing): links to the page the
    field is on (`for`) with that unit or directive chosen and its other filters kept."""
    name = PICK_KINDS[kind]
    page = request.args.get("for") if request.args.get("for") in PICK_PAGES else "home.index"
    text = request.args.get(f"{name}_q", "").strip()[:200]
    matches = PICKERS[name][0](current_user, text, PICK_LIMIT + 1) if text else []
    return render_template("_pick_options.html", name=name, matches=matches, text=text, page=page,
                           target=PICK_PAGES[page], limit=PICK_LIMIT,
                           kept={k: v for k, v in query_args(page).items()
                                 if k not in ("for", "page", name) and not k.endswith("_q") and v.strip()})
