"""Factories and helpers shared by the tests: an app on a fresh database, a frozen clock, logging in,
builders for units, users, directives and tasks, and a fingerprint of the whole database."""
import hashlib
import io
import itertools
import os
import shutil
import subprocess
from datetime import date, datetime
from html.parser import HTMLParser

from webapp import create_app
from webapp.core.directives import save_task
from webapp.core.units import create_unit
from webapp.core.users import create_user
from webapp.db import database
from webapp.migrations import upgrade
from webapp.models import MODELS, Directive, SchemaVersion, Task

FAST_HASH = "pbkdf2:sha256:1000"  # tests only: the app defaults to scrypt
PASSWORD = "matkhau-thu"
DEMO_PASSWORD = "doimatkhau"
# The moment the tests' clock shows unless a test moves it: inside the Tuần Giáo campaign of 2024.
TEST_NOW = datetime(2024, 3, 20, 10, 0)


class FrozenClock:
    """The app's clock, set by tests."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def make_app(tmp_path, **overrides):
    """An app on an empty database at the current schema: SQLite under tmp_path, or the PostgreSQL
    database of TEST_DATABASE_URL (emptied first)."""
    url = (overrides.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
           or f"sqlite:///{tmp_path / 'test.db'}")
    config = {
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
        "UPLOAD_DIR": str(tmp_path / "uploads"), "PASSWORD_METHOD": FAST_HASH,
        "WTF_CSRF_ENABLED": False, "CLOCK": FrozenClock(TEST_NOW),
    }
    config.update({k: v for k, v in overrides.items() if k != "DATABASE_URL"})
    app = create_app(config)
    with database.connection_context():
        if not url.startswith("sqlite"):  # one shared PostgreSQL database: start each test empty
            # Every table, not only today's models: a test that took the schema back to an older version
            # leaves that version's tables (the fixed targets tables of version 3 to 11, say).
            for table in database.get_tables():
                database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        upgrade()
    return app


def load_demo(now=TEST_NOW, original_dates=True, two_tier=False):
    """The demo; with the two-tier province (a tree of its own) only where a test asks for it, as it
    adds a second to every load."""
    from webapp.seed import load_demo as load
    load(DEMO_PASSWORD, FAST_HASH, now, original_dates=original_dates, two_tier=two_tier)


def log_in(client, username, password=PASSWORD):
    response = client.post("/dang-nhap", data={"username": username, "password": password})
    assert response.status_code == 302, f"login as {username} failed"
    return client


_names = itertools.count(1)


class Factory:
    """Small builders for tests that do not need the whole demo; rows are created at `now`."""

    def __init__(self, now=TEST_NOW):
        self.now = now

    def unit(self, name=None, kind="ubnd_xa", parent=None):
        return create_unit(name or f"Đơn vị {next(_names)}", kind, parent, now=self.now)

    def user(self, username=None, role="staff", unit=None, password=PASSWORD):
        return create_user(username or f"user{next(_names)}", password, "Người dùng thử", role,
                           unit or self.unit(), method=FAST_HASH, now=self.now)

    def directive(self, issuer=None, **fields):
        fields.setdefault("number", f"{next(_names)}/UBND-TEST")
        fields.setdefault("subject", "V/v thử nghiệm")
        fields.setdefault("issued_on", date(2024, 3, 1))
        fields.setdefault("created_at", self.now)
        return Directive.create(issuer=issuer or self.unit(kind="ubnd_tinh"), **fields)

    def task(self, directive=None, lead=(), coop=(), kind="fixed", due=date(2024, 3, 31), **fields):
        task = Task(directive=directive or self.directive(), text=fields.pop("text", "Nhiệm vụ thử"),
                    number=fields.pop("number", str(next(_names))), deadline_kind=kind,
                    deadline_date=due if kind in ("fixed", "immediate", "within_month") else None, **fields)
        return save_task(task, list(lead) or [self.unit()], list(coop), now=self.now)


def database_fingerprint() -> dict:
    """Row count and a checksum of every table: equal fingerprints mean nothing changed. The counts
    the database keeps (models.DERIVED) are left out: they follow the rest, and a page may move them
    to its own moment."""
    fingerprint = {}
    for model in (SchemaVersion, *MODELS):
        rows = model.select().order_by(model._meta.primary_key).tuples()
        digest = hashlib.sha256()
        count = 0
        for row in rows:
            digest.update(repr(row).encode())
            count += 1
        fingerprint[model._meta.table_name] = (count, digest.hexdigest())
    return fingerprint


# --- Documents read back: PDF text with positions and fonts, .docx through LibreOffice -------------

# Faces with Times New Roman's metrics and every Vietnamese letter; any other face in a PDF is a fallback.
TIMES_FACES = ("LiberationSerif", "Tinos", "TimesNewRoman")


def pdf_fonts(data: bytes) -> set[str]:
    """The names of the fonts a PDF uses on its pages, without the subset prefix ("LiberationSerif-Bold")."""
    from pypdf import PdfReader
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            name = str(ref.get_object().get("/BaseFont", ""))
            names.add(name.lstrip("/").split("+", 1)[-1])
    return names


def fallback_fonts(data: bytes) -> set[str]:
    """The fonts of a PDF that are not a Times New Roman face: where a letter fell back."""
    return {n for n in pdf_fonts(data) if not n.replace("-", "").replace(" ", "").startswith(TIMES_FACES)}


def pdf_runs(data: bytes) -> list[list[tuple]]:
    """Per page, the runs of text as (text, x, y from the top, size, font name), in points."""
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        runs = []

        def visit(text, cm, tm, font, size, runs=runs, height=height):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[0] * cm[0] + tm[1] * cm[2])
            name = str((font or {}).get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]
            runs.append((text.strip(), x, height - y, round(size * scale, 2), name))
        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def pdf_hlines(data: bytes) -> list[list[tuple]]:
    """Per page, the horizontal strokes (x1, x2, y from the top) in points: the solid lines under a
    header's texts and the tables' borders (as WeasyPrint draws them)."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    def times(a, b):
        return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
                a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]

    def point(x, y, m):
        return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]
    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        ctm, stack, current, lines = [1, 0, 0, 1, 0, 0], [], (0, 0), set()
        for args, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q":
                ctm = stack.pop()
            elif op == b"cm":
                ctm = times([float(a) for a in args], ctm)
            elif op == b"m":
                current = point(float(args[0]), float(args[1]), ctm)
            elif op == b"l":
                end = point(float(args[0]), float(args[1]), ctm)
                if abs(end[1] - current[1]) < 0.1 and abs(end[0] - current[0]) > 1:
                    x1, x2 = sorted((current[0], end[0]))
                    lines.add((round(x1, 1), round(x2, 1), round(height - end[1])))
                current = end
        pages.append(sorted(lines, key=lambda line: (line[2], line[0])))
    return pages


def soffice_convert(tmp_path, data: bytes, target: str, name: str = "van-ban.docx") -> bytes:
    """Open a .docx with LibreOffice, headless, and convert it (txt, pdf)."""
    import pytest
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: in CI the documents must be opened with it")
        pytest.skip("LibreOffice is not installed (make test installs it; never skipped in CI)")
    source = tmp_path / name
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"  # its own profile: parallel runs do not share a lock
    result = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                             target, "--outdir", str(tmp_path), str(source)],
                            capture_output=True, text=True, timeout=180)
    extension = target.split(":")[0]
    out = tmp_path / f"{source.stem}.{extension}"
    assert result.returncode == 0 and out.exists(), result.stderr + result.stdout
    return out.read_bytes()


class _FormReader(HTMLParser):
    """The values a browser would post from one form of a page: inputs (checkboxes and radios only
    when checked), textareas, the selected option of each select; submit buttons left out."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.values = form_id, False, []
        self._textarea = self._select = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.append([name, attrs.get("value", "on" if kind in ("checkbox", "radio") else "")])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self.values.append(self._textarea)
        elif tag == "select" and name:
            self._select, self._first_option = [name, None], None
            self.values.append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._select[1] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            # A browser reads CR LF as one newline, and drops the one right after <textarea>.
            self._textarea[1] = self._textarea[1].replace("\r\n", "\n").removeprefix("\n")
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if self._select[1] is None:
                self._select[1] = self._first_option or ""
            self._select = None
        elif tag == "form":
            self.inside = False


def form_values(html: str, form_id: str) -> list[list[str]]:
    """[name, value] pairs a browser would post from the form with this id (in page order)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.values


# --- Indicator sets -------------------------------------------------------------------------------

def set_like_phu_luc_01(directive, scope, task=None, reporting_kind="ubnd_xa", now=TEST_NOW):
    """A set shaped like the Quảng Trị appendix: two groups; the beneficiaries (stock, the base, with
    a whole-year target), accounts opened and paid without cash (cumulative, not more than the base;
    the payments with quarterly targets); its appendix columns as Phụ lục 01 prints them."""
    from webapp.core import indicators as sets
    s = sets.create_set(directive, "Tiến độ chi trả không dùng tiền mặt", task, scope, reporting_kind, "quarter",
                        now=now)
    sets.save_definition(s, [sets.IndicatorInput(None, "Tổng số đối tượng", aggregation="stock", is_base=True,
                                                 has_targets=True)],
                         [sets.GroupInput(None, "Người có công"), sets.GroupInput(None, "Đối tượng bảo trợ xã hội")],
                         now=now)
    total = sets.indicators_of(s)[0]
    sets.save_definition(s, [
        sets.IndicatorInput(total.id, total.name, aggregation="stock", is_base=True, has_targets=True),
        sets.IndicatorInput(None, "Đã mở tài khoản", at_most=total.id),
        sets.IndicatorInput(None, "Đã chi trả không dùng tiền mặt", at_most=total.id, has_targets=True)],
        [sets.GroupInput(g.id, g.name) for g in sets.groups_of(s)], now=now)
    paid = sets.indicators_of(s)[2]
    columns = []
    for group in sets.groups_of(s):
        first = len(columns) + 1
        columns.append(sets.ColumnInput(first, total.id, group.id, 0, label=f"Tổng số {group.name.lower()}"))
        columns += [sets.ColumnInput(first + q, paid.id, group.id, q, label=f"Quý {q}/{{năm}}") for q in range(1, 5)]
        columns.append(sets.ColumnInput(first + 5, formula="+".join(str(first + q) for q in range(1, 5)),
                                        label="Tổng số cả năm {năm}"))
        columns.append(sets.ColumnInput(first + 6, formula=f"{first + 5}/{first}", label="Tỷ lệ % đạt được cả năm {năm}"))
    sets.save_columns(s, columns, "Phụ lục 01", "GIAO CHỈ TIÊU\nNĂM {năm}", now=now)
    return s


def put_target(s, unit, year, group_index, total, quarters, now=TEST_NOW):
    """A unit's Phụ lục 01 numbers for one group of a set made by set_like_phu_luc_01."""
    from webapp.core import indicators as sets
    from webapp.core import targets
    base, _, paid = sets.indicators_of(s)
    group = sets.groups_of(s)[group_index]
    values = {(unit.id, base.id, group.id, 0): float(total)}
    values.update({(unit.id, paid.id, group.id, q): float(v) for q, v in enumerate(quarters, 1)})
    return targets.upsert_targets(s, values, year, now)


def figures_row(s, per_group):
    """A figures form row of a set: per group (in order) the indicators' numbers (in order); a group
    left out is blank."""
    from webapp.core import indicators as sets
    from webapp.core.figures import RowInput
    indicators, groups = sets.indicators_of(s), sets.groups_of(s)
    values = {(i.id, g.id): None for i in indicators for g in groups}
    for group, numbers in zip(groups, per_group):
        if numbers is not None:
            values.update({(i.id, group.id): (None if n is None else float(n)) for i, n in zip(indicators, numbers)})
    return RowInput(values)


def reported_without_figures(task_number="1.2", directive_number="/BCĐĐA06"):
    """Detach the demo's indicator set from a recurring duty, for tests of plain reports (a note and a
    file, no figures): the duty's reports are then submitted on their own form again."""
    from webapp.models import Directive, IndicatorSet, Task
    task = Task.select().join(Directive).where((Task.number == task_number)
                                               & (Directive.number == directive_number)).get()
    IndicatorSet.update(task=None).where(IndicatorSet.task == task.id).execute()
    return task


# --- Headless Chromium (the fixtures are in conftest.py) -----------------------------------------

CHROMIUM = "/usr/bin/chromium"
# No network beyond localhost, no GPU, and /tmp rather than a small /dev/shm for the renderers' memory.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
ACTION_TIMEOUT_MS = 20_000  # a click, a wait or a page load that takes longer fails the test


def watched_context(chromium, **options):
    """A browser context whose pages fail the test on any Content-Security-Policy violation and whose
    actions give up after ACTION_TIMEOUT_MS instead of waiting for ever."""
    context = chromium.new_context(**options)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    context.violations = []
    context.on("console", lambda msg: context.violations.append(msg.text)
               if "Content Security Policy" in msg.text else None)
    return context
