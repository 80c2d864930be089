"""Directives: a searchable list, and a directive's tasks by section with a unit × task matrix."""
from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from .. import occurrences
from ..access import visible_directives
from ..models import Directive, Unit
from ..web import Page, is_htmx, page_number
from . import queries

bp = Blueprint("directives", __name__, url_prefix="/van-ban")


@bp.route("/")
def index():
    q = request.args.get("q", "").strip()[:200]
    query = queries.search(visible_directives(current_user), q)
    page = Page(query, page_number(), current_app.config["PAGE_SIZE"])
    template = "directives/_list.html" if is_htmx() else "directives/index.html"
    return render_template(template, page=page, q=q)


@bp.route("/<int:directive_id>")
def detail(directive_id):
    directive = (visible_directives(current_user).select(Directive, Unit).join(Unit)
                 .where(Directive.id == directive_id).first())
    if directive is None:
        abort(404)
    now = current_app.config["CLOCK"]()
    occurrences.ensure_current(now)
    view = queries.directive_view(directive, current_user, now, current_app.config["DUE_SOON_DAYS"])
    return render_template("directives/detail.html", directive=directive, view=view)
