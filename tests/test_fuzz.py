"""Hostile values for every route, as every kind of user: no answer is ever a server error.

Routes are found in app.url_map, so a new route is fuzzed the day it is added. What each route takes
is found by walking the pages: the fields of every form (mapped to the route its action names) and
the query parameters of every link and filter form; every route also gets the parameter names seen
anywhere else. Path ids are the demo's real ones (the route matrix's objects), or hostile too.

Two passes, both bounded and reproducible: a sweep giving every route, as every role, a couple of
requests whose every field holds a hostile value, then hypothesis (derandomized, a fixed number of
examples) drawing roles, routes and values of the kinds that broke pages: integers beyond 2^63,
negative and non-ASCII digits, right-to-left overrides, very long text, dates at the ends of the
calendar, blank and missing fields, hostile file names. Failures are collected, not raised one by one,
so a run tells how many there are."""
import io
import re
from collections import defaultdict
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import DEMO_PASSWORD, FAST_HASH
from tests.test_route_matrix import (  # noqa: F401 - the demos with evidence, feeds and reports
    TREES,
    objects,
    two_tier_objects,
)
from webapp.core.users import create_user
from webapp.models import Unit

# Where a route's path argument takes its real value (objects: tests/test_route_matrix.py).
PATH_VALUES = {
    "assignment_id": ("own", "weekly", "request_owner"), "update_id": ("update",), "occurrence_id": ("occurrence",),
    "report_id": ("draft", "done"), "directive_id": ("directive",), "task_id": ("task",),
    "unit_id": ("commune",), "user_id": ("victim",), "district_id": ("gio_linh",), "province_id": ("province",),
    "token": ("token",), "day_id": ("work_day",), "notification_id": ("notification",), "letter_id": ("letter",),
    "extension_id": ("request",), "cooperation_id": ("partner",), "input_id": ("input",),
    "set_id": ("qt_set", "tg_set"),
    "kind": ("pick_units", "pick_directives"),
}
URL_FOR_KEYS = ("_external", "_anchor", "_scheme", "_method")
# Requests that end the client's session: it logs in again afterwards.
SESSION_ENDING = {"auth.logout", "auth.change_password"}
# POST routes whose form has no field but the CSRF token (a button, a confirmation).
NO_FIELDS = {"auth.logout", "calendar.renew", "reports.submit", "admin.directive_delete", "admin.task_delete",
             "admin.indicator_set_delete"}
# Pages only reached by a post, as admin: (path, form data); their forms are fuzzed like any other.
# The review of a pasted directive (its rows, units and deadline fields) is one.
EXTRA_POSTS = [("/quan-tri/van-ban/doc", {"text": (Path(__file__).parent / "data" / "directives" /
                                                  "tuan_giao_cao_diem_de_an_06.txt").read_text(encoding="utf-8")})]
# The addresses of earlier versions' pages: no page has their forms any more, they lead to the new ones.
REDIRECT_ONLY = {"targets.legacy_import", "targets.legacy_split"}
# A form the province of two tiers has no page for: its only recurring duty is reported through its
# figures. The seeds' tree has it.
NOT_ON_TWO_TIERS = {"assignments.submit_occurrence"}
# Pages only reached with a query string.
EXTRA_PAGES = ["/so-lieu/bo/{qt_set}/nhap/{gio_linh}", "/so-lieu/bo/{tg_set}/nhap/{quaicang_group}",
               "/chi-tieu/bo/{qt_set}/chia/{gio_linh}", "/giao-viec/{plain_weekly}", "/giao-viec/{holder}",
               "/goi-y/don-vi?unit_q=x&for=dashboard.index", "/goi-y/van-ban?directive_q=x&for=home.index",
               "/giao-viec/{coop_lead}", "/giao-viec/{receipt}"]

HOSTILE = [
    str(2**63), str(2**64 + 7), "9" * 40, "-1", "-" + str(2**63), "0", "", " ", "1e308", "-0", "NaN",
    "١٢٣", "²", "12\u202e34", "\u202egpj.exe", "x" * 5000, "9999-12-31", "0001-01-01", "31/12/9999",
    "01/01/0001", "00/00/0000", "29/02/2023", "2024-13-45", "15/03/2024", "2024-03-15", "03/2024",
    "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "🙂" * 40, "../../etc/passwd", "None", "1.5",
    "1.234.567", "2147483648", "4294967296", "\t\n", "%00", "a" * 300 + ".pdf",
]
FILE_NAMES = ["bao-cao.pdf", "b" * 300 + ".pdf", "ho-so\u202efdp.exe", "..\\..\\x.xlsx", "", "a.xlsx",
              "\x00.png", "🙂.docx"]
FILE_BODIES = [b"%PDF-1.4\n%fuzz\n", b"", b"PK\x03\x04not a zip", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, b"x" * 2000]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
    st.dates(min_value=date(1, 1, 1)).map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}"),
    st.dates(min_value=date(1, 1, 1)).map(lambda d: d.isoformat()),
    st.text(alphabet="0123456789./-", max_size=25),
)


class PageParser(HTMLParser):
    """Forms (action, method, {field name: input type}, {field name: value as the page fills it})
    and link addresses of one page."""

    def __init__(self):
        super().__init__()
        self.forms, self.links, self._form, self._select = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = (attrs.get("action") or "", (attrs.get("method") or "get").upper(), {}, {})
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None and attrs.get("name"):
            name, kind = attrs["name"], attrs.get("type", tag) if tag == "input" else tag
            self._form[2][name] = kind
            if kind not in ("checkbox", "file", "submit", "button", "select") or "checked" in attrs:
                self._form[3].setdefault(name, attrs.get("value") or ("Nội dung thử" if tag == "textarea" else ""))
            self._select = name if tag == "select" else None
        elif tag == "option" and self._form is not None and self._select:
            # The selected option, else the first that chooses something (a blank one is "none").
            if "selected" in attrs or not self._form[3].get(self._select):
                self._form[3][self._select] = attrs.get("value", "")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("hx-get", "hx-post"):
            if attrs.get(name):
                self.links.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


class World:
    """The app, a logged-in client per role, every route with its real path values, and what the
    pages showed each route takes."""

    def __init__(self, app, ids, roles, users):
        self.app, self.ids, self.roles, self.users = app, ids, roles, users
        self.adapter = app.url_map.bind("localhost")
        self.clients = {role: self.log_in(role) for role in roles}
        self.routes = sorted((rule.endpoint, method, rule) for rule in app.url_map.iter_rules()
                             if rule.endpoint != "static" for method in rule.methods - {"HEAD", "OPTIONS"})
        self.fields = defaultdict(dict)   # (endpoint, "POST") -> {name: type}
        self.defaults = defaultdict(dict)  # (endpoint, "POST") -> {name: value the page filled in}
        self.params = defaultdict(set)    # endpoint -> query names
        self.failures = defaultdict(list)  # signature -> examples
        self.requests = 0
        self.crawl()
        # Keys url_for reads itself, and the names of path arguments, sent as query parameters: a link
        # built from the query string must neither fail on them nor let them move or widen it.
        path_names = {name for _, _, rule in self.routes for name in rule.arguments}
        self.all_params = sorted(set().union(*self.params.values()) | set(URL_FOR_KEYS) | path_names)

    def log_in(self, role):
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.{self.roles.index(role) + 1}.0.1"
        if role != "anonymous":
            response = client.post("/dang-nhap", data={"username": self.users[role], "password": DEMO_PASSWORD})
            assert response.status_code == 302, f"login as {role}"
        return client

    def path(self, rule, values=None):
        """The rule's path with the real value of each argument, or the value given for it."""
        def value(match):
            name = match.group(2)
            if values and name in values:
                return quote(str(values[name]), safe="")
            assert name in PATH_VALUES, f"no real value for path argument {name!r}: add it to PATH_VALUES"
            return quote(str(self.ids[PATH_VALUES[name][0]]), safe="")
        return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", value, rule.rule)

    def real_paths(self, rule):
        """The rule's path with each combination of its arguments' real values."""
        paths = [{}]
        for name in rule.arguments:
            assert name in PATH_VALUES, f"no real value for path argument {name!r}: add it to PATH_VALUES"
            paths = [{**p, name: self.ids[key]} for p in paths for key in PATH_VALUES[name]]
        return [self.path(rule, p) for p in paths]

    def crawl(self):
        pages = [url for endpoint, method, rule in self.routes
                 if method == "GET" and endpoint not in ("reports.pdf", "reports.xlsx", "reports.docx")
                 for url in self.real_paths(rule)]
        pages += [page.format(**self.ids) for page in EXTRA_PAGES]
        for role in ("anonymous", "commune_staff", "admin"):  # both trees have these
            visits = [(url, None) for url in pages] + ([(p, d) for p, d in EXTRA_POSTS] if role == "admin" else [])
            for url, posted in visits:
                client = self.clients[role]
                response = client.get(url) if posted is None else client.post(url, data=posted)
                if response.status_code != 200 or "html" not in (response.content_type or ""):
                    continue
                parser = PageParser()
                parser.feed(response.get_data(as_text=True))
                for action, form_method, fields, defaults in parser.forms:
                    target = urlparse(action or urlparse(url).path)
                    found = self.endpoint_of(target.path, form_method)
                    if found is None:
                        continue
                    fields = {k: v for k, v in fields.items() if k != "csrf_token"}
                    if form_method == "POST":
                        self.fields[(found, "POST")].update(fields)
                        self.defaults[(found, "POST")].update({k: v for k, v in defaults.items() if k in fields})
                    else:
                        self.params[found].update(fields)
                    self.params[found].update(k for k, _ in parse_qsl(target.query))
                for link in parser.links:
                    target = urlparse(link)
                    found = self.endpoint_of(target.path, "GET")
                    if found:
                        self.params[found].update(k for k, _ in parse_qsl(target.query))

    def endpoint_of(self, path, method):
        try:
            return self.adapter.match(path, method=method)[0]
        except Exception:  # noqa: BLE001 - not one of ours (404, 405, a redirect)
            return None

    def send(self, role, endpoint, method, rule, values, path_values=None):
        """One request; a 5xx or an exception is recorded under a short signature."""
        client = self.clients[role]
        url = self.path(rule, path_values)
        self.requests += 1
        try:
            if method == "GET":
                query = urlencode([(k, v) for k, v in values.items()])
                response = client.get(f"{url}?{query}" if query else url)
            else:
                files = {k: v for k, v in values.items() if isinstance(v, tuple)}
                data = {k: v for k, v in values.items() if not isinstance(v, tuple)}
                data.update({k: (io.BytesIO(body), name) for k, (body, name) in files.items()})
                response = client.post(url, data=data, content_type="multipart/form-data" if files else None)
            status = response.status_code
            error = f"HTTP {status}" if status >= 500 else None
        except Exception as exc:  # noqa: BLE001 - the point is to collect them
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:90] if str(exc) else ''}"
            response = None
        if error:
            shown = dict(list(values.items())[:6])
            self.failures[f"{method} {endpoint}: {error}"].append((role, url, {k: str(v)[:40] for k, v in
                                                                                shown.items()}))
        if role != "anonymous" and (endpoint in SESSION_ENDING or response is None or (
                response.status_code == 302 and "/dang-nhap" in response.headers.get("Location", ""))):
            self.clients[role] = self.log_in(role)

    def names(self, endpoint, method):
        if method == "POST":
            return self.fields.get((endpoint, "POST"), {})
        return {name: "text" for name in sorted(self.params[endpoint] | set(self.all_params))}


def hostile_value(kind, k):
    if kind == "file":
        return (FILE_BODIES[k % len(FILE_BODIES)], FILE_NAMES[k % len(FILE_NAMES)])
    return HOSTILE[k % len(HOSTILE)]


def sweep(world):
    """Every route, as every role, twice: each field a different hostile value each time."""
    for r, role in enumerate(world.roles):
        for endpoint, method, rule in world.routes:
            names = world.names(endpoint, method)
            for k in (0, len(HOSTILE) // 2):
                values = {name: hostile_value(kind, r + k + i) for i, (name, kind) in enumerate(names.items())}
                world.send(role, endpoint, method, rule, values)


def sweep_one_field_at_a_time(world, per_route=12):
    """Forms filled as their page fills them, and pages with only the parameters their links and
    filters use, with one field or parameter hostile: the input that gets past every other check
    and reaches the code behind it (a number too large for the database, a date past 9999)."""
    for role in [r for r in ("province_leader", "district_staff", "body_staff", "admin") if r in world.roles]:
        for endpoint, method, rule in world.routes:
            if method == "POST":
                defaults, kinds = world.defaults.get((endpoint, method), {}), world.fields[(endpoint, method)]
                if not defaults:
                    continue
            else:
                defaults, kinds = {}, {name: "text" for name in world.params[endpoint]}
            names = sorted(kinds)
            for i, name in enumerate(names[:: max(1, len(names) // per_route)][:per_route]):
                for k in (0, HOSTILE.index("9999-12-31"), 1 + i + len(role)):
                    world.send(role, endpoint, method, rule, {**defaults, name: hostile_value(kinds[name], k)})
                if method == "POST":  # a crafted post leaving the field out altogether
                    world.send(role, endpoint, method, rule, {k: v for k, v in defaults.items() if k != name})
            for name in rule.arguments:  # an id no database integer holds, the other ids real
                world.send(role, endpoint, method, rule, defaults, {name: 2**63})


def fuzz(world, max_examples):
    routes = world.routes

    @st.composite
    def request(draw):
        role = draw(st.sampled_from(world.roles))
        endpoint, method, rule = draw(st.sampled_from(routes))
        names = world.names(endpoint, method)
        chosen = draw(st.lists(st.sampled_from(sorted(names)), unique=True, max_size=8)) if names else []
        values = {}
        for name in chosen:
            if names[name] == "file":
                values[name] = (draw(st.sampled_from(FILE_BODIES)),
                                draw(st.one_of(st.sampled_from(FILE_NAMES), st.text(max_size=300))))
            else:
                values[name] = draw(hostile_text)
        path_values = None
        if rule.arguments and draw(st.booleans()):
            path_values = {arg: draw(st.one_of(st.integers(min_value=-(2**70), max_value=2**70), hostile_text))
                           for arg in rule.arguments}
        return role, endpoint, method, rule, values, path_values

    @settings(max_examples=max_examples, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(request())
    def one(example):
        world.send(*example)

    one()


@pytest.mark.parametrize("tree", TREES)
def test_no_route_answers_a_server_error_to_hostile_values_from_any_role(tree, app, monkeypatch, request):
    roles, users, fixture, _ = TREES[tree]
    objects = request.getfixturevalue(fixture)
    import weasyprint
    # The PDF route renders its HTML as always; only WeasyPrint's layout (a second each) is skipped.
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda self, *a, **k: b"%PDF-1.4\n")
    victim_unit = Unit.get_by_id(objects["unit"])
    victim = create_user("nan_nhan", DEMO_PASSWORD, "Tài khoản để thử", "staff", victim_unit, method=FAST_HASH,
                         now=app.config["CLOCK"]())
    ids = {**objects, "victim": victim.id, "token": "t" * 43, "pick_units": "don-vi", "pick_directives": "van-ban"}
    world = World(app, ids, roles, users)
    posts = [(e, m) for e, m, _ in world.routes if m == "POST"]
    absent = NOT_ON_TWO_TIERS if tree == "two_tier" else set()
    unseen = [e for e, m in posts if (e, m) not in world.fields and e not in NO_FIELDS | REDIRECT_ONLY | absent]
    assert posts and not unseen, f"no form found for {unseen}: add a page showing it to EXTRA_PAGES"
    sweep(world)
    sweep_one_field_at_a_time(world)
    fuzz(world, max_examples=300)
    summary = "\n".join(f"{len(examples):4d} × {signature}  e.g. {examples[0]}"
                        for signature, examples in sorted(world.failures.items()))
    print(f"\nfuzz: {world.requests} requests over {len(world.routes)} routes, "
          f"{sum(map(len, world.failures.values()))} server errors, {len(world.failures)} kinds\n{summary}")
    assert not world.failures, summary
