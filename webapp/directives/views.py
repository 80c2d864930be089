"""Directives: a searchable list, a directive's tasks by section with a unit × task matrix, and the
document it was read from."""
from pathlib import Path

from flask import abort, current_app, render_template, request, send_file
from flask_login import current_user

from ..core.access import visible_directives
from ..models import Directive, Unit
from ..web import (
    Page,
    drops_blank_args,
    due_soon_days,
    ensure_occurrences,
    get_or_404,
    is_htmx,
    page_number,
)
from . import bp, queries


@bp.route("/")
@drops_blank_args
def index():
    q = request.args.get("q", "").strip()[:200]
    query = queries.search(visible_directives(current_user), q)
    page = Page(query, page_number(), current_app.config["PAGE_SIZE"])
    template = "directives/_list.html" if is_htmx() else "directives/index.html"
    return render_template(template, page=page, q=q)


@bp.route("/<id:directive_id>")
def detail(directive_id):
    directive = get_or_404(visible_directives(current_user).select(Directive, Unit).join(Unit),
                           Directive.id == directive_id)
    view = queries.directive_view(directive, current_user, ensure_occurrences(), due_soon_days())
    return render_template("directives/detail.html", directive=directive, view=view)


@bp.route("/<id:directive_id>/tep")
def attachment(directive_id):
    """The directive's own document, for whoever sees the directive; always a download."""
    directive = get_or_404(visible_directives(current_user), Directive.id == directive_id)
    if not directive.attachment_path:
        abort(404)
    path = Path(current_app.config["UPLOAD_DIR"]) / directive.attachment_path
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=directive.attachment_name,
                     mimetype="application/octet-stream")
