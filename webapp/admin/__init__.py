"""Admin: directives, tasks, units and users."""
from flask import Blueprint, render_template

from ..auth import roles_required

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")


@bp.before_request
@roles_required("admin")
def admins_only():
    return None


@bp.route("/")
def index():
    return render_template("admin/index.html")
