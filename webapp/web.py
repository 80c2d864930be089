"""What every area's views share: the current time, occurrences brought up to date once per request,
get-or-404, who may use a view, htmx and paging helpers."""
from datetime import date, datetime, timedelta
from functools import wraps

from flask import abort, current_app, g, make_response, redirect, request, url_for
from flask_login import current_user
from peewee import Model
from werkzeug.routing import IntegerConverter

from .core import access, notifications, occurrences, tallies, workdays
from .core.work_calendar import current_calendar
from .models import Directive, Unit
from .rules.input import InputError, parse_day
from .rules.vietnamese import fold

# The largest id a database integer column holds (SQLite INTEGER, PostgreSQL BIGINT): a larger
# number in a URL or a query string can name nothing, and must not reach the database driver.
MAX_ID = 2**63 - 1


def now() -> datetime:
    """The current Vietnam time from the app's clock (frozen in tests), the same for a whole request."""
    if "now" not in g:
        g.now = current_app.config["CLOCK"]()
    return g.now


def today() -> date:
    return now().date()


def due_soon_days() -> int:
    return current_app.config["DUE_SOON_DAYS"]


def ensure_occurrences(until: date | None = None) -> datetime:
    """Create the occurrences that pages showing status classes need (up to a week ahead, or
    `until`), and keep the tallies they count with current (core/tallies), at most once per
    request; returns now."""
    current = now()
    until = max(until or date.min, current.date() + timedelta(days=occurrences.AHEAD_DAYS))
    if g.get("occurrences_until") is None or g.occurrences_until < until:
        occurrences.materialise(until, current.date())
        g.occurrences_until = until
    if not g.get("tallies_kept"):
        g.tallies_kept = True
        tallies.keep_up(current, due_soon_days())
    refresh_notifications()
    return current


def refresh_notifications() -> None:
    """The time-based notifications of the user's unit, at most once an hour (by any process), on the
    pages that show deadlines: the daily command may not be installed, and "due today" cannot wait
    for it. Other pages only count what exists, so they never write."""
    if current_user.is_authenticated and not g.get("notifications_refreshed"):
        g.notifications_refreshed = True
        notifications.refresh_unit(current_user.unit_id, now(), due_soon_days())


def work_calendar():
    """The working-day calendar (weekends, holidays, the admin's days), once per request."""
    if "work_calendar" not in g:
        g.work_calendar = current_calendar()
    return g.work_calendar


def moved_note(assignment) -> str:
    """"(dời sang … do trùng ngày nghỉ …)" beside an assignment's due time moved by Điều 148."""
    moved_from = getattr(assignment, "due_moved_from", None)
    if moved_from is None:
        return ""
    return workdays.moved_note(assignment.due_at, moved_from, work_calendar())


def unread_notifications() -> int:
    """The unread count in the navigation."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = notifications.unread_count(current_user.id)
    return g.unread_notifications


def get_or_404(query, *where):
    """The first row of a model or query matching `where`, or a 404."""
    if isinstance(query, type) and issubclass(query, Model):
        query = query.select()
    obj = query.where(*where).first() if where else query.first()
    if obj is None:
        abort(404)
    return obj


def refuse_nul_characters():
    """Before every request: a NUL character is in no text anyone types, and PostgreSQL cannot store
    one; a request carrying one (in the query, a form field or a file name) is a 400."""
    values = [*request.args.values(), *request.args.keys()]
    if request.method == "POST":
        values += [*request.form.values(), *request.form.keys(), *(f.filename or "" for f in request.files.values())]
    if any("\x00" in value for value in values):
        abort(400)


def public(view):
    """Mark a view that needs no login; every other view does."""
    view.is_public = True
    return view


def roles_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def is_htmx() -> bool:
    """An htmx partial request; a history restore wants the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a row id, 1 to MAX_ID; anything else is no match (404)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def query_int(name: str, default=None, minimum: int = 0, maximum: int = MAX_ID):
    """A whole number from the query string: `default` when missing or blank; a 404 when it is not
    a whole number between minimum and maximum (a link that can name nothing)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:  # also a number too long to read (Python refuses over 4,300 digits)
        abort(404)
    if not minimum <= value <= maximum:
        abort(404)
    return value


def query_id(name: str) -> int | None:
    """A row id from the query string (`?unit=5`): None when missing or blank, else 1..MAX_ID or a 404."""
    return query_int(name, None, minimum=1)


def form_ids(name: str) -> list[int]:
    """The row ids a form posted under `name` (checkboxes, a select): whole numbers 1..MAX_ID only;
    anything else is left out, as no row has it."""
    ids = []
    for raw in request.form.getlist(name):
        raw = raw.strip()
        if raw.isdigit() and len(raw) <= 19 and 1 <= int(raw) <= MAX_ID:
            ids.append(int(raw))
    return ids


def query_date(name: str, default: date | None = None) -> tuple[date | None, str | None]:
    """A day from the query string as the date field sends it (dd/mm/yyyy, or yyyy-mm-dd from older
    links): (the day, None); (default, a Vietnamese message) when it cannot be read."""
    try:
        value = parse_day(request.args.get(name, ""))
    except InputError as exc:
        return default, str(exc)
    return (default if value is None else value), None


def page_number(name: str = "page") -> int:
    return max(1, query_int(name, 1, minimum=-MAX_ID))


class Page:
    """One page of a query, with what a pagination bar needs."""

    def __init__(self, query, number: int, size: int, total: int | None = None):
        """`total`: the number of rows when the caller already knows it (from the counts on the page)."""
        self.total = query.count() if total is None else total
        self.size = size
        self.pages = max(1, -(-self.total // size))
        self.number = min(number, self.pages)
        self.items = list(query.paginate(self.number, size))

    @property
    def has_prev(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages


class ListPage(Page):
    """One page of a list already in memory (a few hundred summed rows), as Page has it."""

    def __init__(self, items: list, number: int, size: int):
        self.total, self.size = len(items), size
        self.pages = max(1, -(-self.total // size))
        self.number = min(number, self.pages)
        self.items = items[(self.number - 1) * size:self.number * size]


class RowsPage(Page):
    """One page of rows a function reads: fetch(offset, size) -> (rows, total). A page number past
    the last shows the last page."""

    def __init__(self, number: int, size: int, fetch):
        self.size = size
        self.items, self.total = fetch((number - 1) * size, size)
        self.pages = max(1, -(-self.total // size))
        self.number = min(number, self.pages)
        if number > self.pages and self.total:
            self.items, _ = fetch((self.pages - 1) * size, size)


def query_args(endpoint: str, args=None) -> dict:
    """The keys of a query string (default: this request's) that may go into url_for(endpoint, …) as
    query arguments: never one url_for reads itself (_external, _anchor, _scheme, _method) nor one
    naming an argument of the endpoint's path, which would change where the link goes or fail."""
    args = request.args if args is None else args
    taken = {name for rule in current_app.url_map.iter_rules(endpoint) for name in rule.arguments}
    return {k: v for k, v in args.items() if not k.startswith("_") and k not in taken}


def url_with(**changes) -> str:
    """The current URL with some query arguments changed; None or blank removes one."""
    args = query_args(request.endpoint)
    args.update(changes)
    args = {k: v for k, v in args.items() if v is not None and str(v).strip()}
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def drops_blank_args(view):
    """For filter pages: a form sends its blank fields too (`?directive=2&unit=&period=month`), and a
    search-as-you-type filter its text (`unit_q`); the address kept in the browser leaves out the
    blanks and puts the unit or directive the text named in place of the text. A plain request is
    redirected to the clean address; an htmx one is answered as usual, telling htmx which address
    to push (HX-Push-Url)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        typed = [name for name in PICKERS if f"{name}_q" in request.args]
        if request.method != "GET" or (not typed and all(value.strip() for value in request.args.values())):
            return view(*args, **kwargs)
        changes = {}
        for name in typed:
            pick = picked(name)
            changes[name] = pick.chosen.id if pick.chosen is not None else None
            changes[f"{name}_q"] = pick.text
        clean = url_with(**changes)
        if clean == request.full_path.rstrip("?"):
            return view(*args, **kwargs)
        if not request.headers.get("HX-Request"):
            return redirect(clean)
        response = make_response(view(*args, **kwargs))
        response.headers["HX-Push-Url"] = clean
        return response
    return wrapped


# --- Search-as-you-type filters -------------------------------------------------------------

PICK_LIMIT = 15  # matches offered under the field; typing more narrows them


def directive_label(directive) -> str:
    """How a chosen directive reads in its filter field."""
    subject = directive.subject if len(directive.subject) <= 80 else directive.subject[:79].rstrip() + "…"
    return f"{directive.reference} – {subject}"


# name -> (search(user, text, limit), the row of an id the user may see or None, its label)
PICKERS = {
    "unit": (access.search_units,
             lambda user, i: access.visible_units(user).where(Unit.id == i).first(), lambda u: u.name),
    "directive": (access.search_directives,
                  lambda user, i: access.visible_directives(user).where(Directive.id == i).first(), directive_label),
}


class Pick:
    """A filter chosen by typing: the row chosen, or the text typed with its matches (none, or more
    than one: the page lists them to choose from)."""

    def __init__(self, chosen=None, text=None, matches=()):
        self.chosen, self.text, self.matches = chosen, text, list(matches)

    def label(self, name) -> str:
        return self.text if self.text is not None else PICKERS[name][2](self.chosen) if self.chosen else ""


def picked(name: str) -> Pick:
    """The state of the filter `name` (unit, directive) for this request: its id (`?unit=5`, a 404
    when the user may not see it), or the text typed in its field (`?unit_q=…`): the row whose label
    it still is, else the one row it matches (or the one it names exactly), else no choice and the
    matches to list."""
    cache = g.setdefault("picks", {})
    if name in cache:
        return cache[name]
    search, get, label = PICKERS[name]
    text = request.args.get(f"{name}_q")
    chosen_id = query_id(name)
    chosen = get(current_user, chosen_id) if chosen_id else None
    if text is None:
        if chosen_id and chosen is None:
            abort(404)
        pick = Pick(chosen)
    elif not (text := text.strip()[:200]):
        pick = Pick()
    elif chosen is not None and fold(label(chosen)) == fold(text):
        pick = Pick(chosen)
    else:
        matches = search(current_user, text, PICK_LIMIT + 1)
        exact = [m for m in matches if fold(label(m)) == fold(text)]
        if len(matches) == 1 or len(exact) == 1:
            pick = Pick((exact or matches)[0])
        else:
            pick = Pick(None, text, matches)
    cache[name] = pick
    return pick
