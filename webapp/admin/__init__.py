"""Admin: directives, tasks, units and users. Views parse the request, call queries, render."""
from flask import Blueprint, abort, render_template

from ..auth import roles_required
from ..models import Assignment, Directive, Task, Unit, User
from .forms import add_error

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")


@bp.before_request
@roles_required("admin")
def admins_only():
    return None


def get_or_404(model, object_id):
    obj = model.get_or_none(model.id == object_id)
    if obj is None:
        abort(404)
    return obj


def show_error(form, exc) -> None:
    """Put an AdminError beside its field, or above the form when it names none."""
    field = getattr(form, exc.field, None) if getattr(exc, "field", None) else None
    if field is not None:
        add_error(field, str(exc))
    else:
        form.form_errors.append(str(exc))


@bp.route("/")
def index():
    counts = {
        "directives": Directive.select().count(),
        "tasks": Task.select().count(),
        "assignments": Assignment.select().count(),
        "units": Unit.select().where(Unit.active == True).count(),  # noqa: E712
        "inactive_units": Unit.select().where(Unit.active == False).count(),  # noqa: E712
        "users": User.select().where(User.active == True).count(),  # noqa: E712
        "inactive_users": User.select().where(User.active == False).count(),  # noqa: E712
    }
    return render_template("admin/index.html", counts=counts)


# The view modules register their routes on bp when imported.
from . import audit_views, directive_views, unit_views, user_views  # noqa: E402,F401
