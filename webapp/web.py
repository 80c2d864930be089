"""Small helpers shared by the blueprints."""
from flask import abort, request, url_for


def is_htmx() -> bool:
    """An htmx partial request; a history restore wants the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        abort(404)


class Page:
    """One page of a query, with what a pagination bar needs."""

    def __init__(self, query, number: int, size: int):
        self.total = query.count()
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


def url_with(**changes) -> str:
    """The current URL with some query arguments changed; None or '' removes one."""
    args = request.args.to_dict()
    args.update(changes)
    args = {k: v for k, v in args.items() if v not in (None, "")}
    return url_for(request.endpoint, **(request.view_args or {}), **args)
