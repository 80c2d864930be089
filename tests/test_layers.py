"""The shape of the code: pure rules, a Flask-free core, areas that do not import each other's views,
and one clock (Vietnam time, whatever the server's time zone)."""
import ast
import os
import subprocess
import sys
import time as time_module
from datetime import date, datetime, time
from pathlib import Path

import pytest

from tests.helpers import FrozenClock
from webapp.models import AuditEntry, Occurrence, Task, Unit

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "webapp"
AREAS = ("admin", "assignments", "auth", "calendar", "dashboard", "directives", "home", "notifications", "reports",
         "targets")


def imports_of(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[:len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_rules_and_core_never_import_flask():
    offenders = [str(path.relative_to(ROOT)) for layer in ("rules", "core") for path in (PACKAGE / layer).rglob("*.py")
                 if any(name == "flask" or name.startswith(("flask.", "flask_")) for name in imports_of(path))]
    assert not offenders, f"Flask imported below the areas: {offenders}"


def test_rules_import_no_database_and_nothing_above_them():
    for path in (PACKAGE / "rules").rglob("*.py"):
        names = imports_of(path)
        bad = [n for n in names if n.startswith(("peewee", "playhouse", "webapp.models", "webapp.db", "webapp.core"))
               or any(n.startswith(f"webapp.{area}") for area in AREAS)]
        assert not bad, f"{path.name} imports {bad}"


def test_core_imports_no_area():
    for path in (PACKAGE / "core").rglob("*.py"):
        bad = [n for n in imports_of(path) if any(n.startswith(f"webapp.{area}") for area in AREAS)]
        assert not bad, f"{path.name} imports {bad}"


def test_no_module_imports_another_areas_views():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        own = path.relative_to(PACKAGE).parts[0]
        for name in imports_of(path):
            parts = name.split(".")
            if len(parts) >= 3 and parts[0] == "webapp" and parts[1] in AREAS and parts[2] == "views" \
                    and parts[1] != own:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, wrong


def test_area_packages_only_create_their_blueprint():
    for area in AREAS:
        source = (PACKAGE / area / "__init__.py").read_text()
        tree = ast.parse(source)
        statements = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        assert len(statements) == 2, f"{area}/__init__.py does more than create its blueprint"
        assert "Blueprint(" in source and (PACKAGE / area / "views.py").exists()


def test_importing_the_core_loads_no_view_module():
    code = ("import sys, webapp.core.units, webapp.core.assignments, webapp.core.reports; "
            "print([m for m in sys.modules if m.startswith('webapp.') and m.endswith('.views')])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_app_imports_its_own_modules_at_the_top_never_inside_a_function():
    """A function-local import of our own code hides a cycle; only heavy libraries load lazily."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            own = (isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("webapp"))) or (
                isinstance(node, ast.Import) and any(a.name.startswith("webapp") for a in node.names))
            if own and id(node) not in top:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_only_the_clock_module_reads_the_wall_clock():
    wall = ("datetime.now", "date.today", "datetime.utcnow", "time.time(", "default=datetime")
    offenders = [f"{path.relative_to(ROOT)}: {needle}" for path in PACKAGE.rglob("*.py") if path.name != "clock.py"
                 for needle in wall if needle in path.read_text()]
    assert not offenders, offenders


@pytest.fixture
def utc_process():
    """The server's time zone set to UTC for the test, as on many servers."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time_module.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time_module.tzset()


def test_at_two_in_the_morning_vietnam_time_on_a_utc_server_everything_is_dated_in_vietnam(
        utc_process, app, factory, client_for):
    """At 02:00 on 20/03 in Vietnam a UTC server's own clock still says 19/03: nothing may use it."""
    two_am = datetime(2024, 3, 20, 2, 0)
    app.config["CLOCK"] = FrozenClock(two_am)
    admin = factory.user("quantri", role="admin")
    commune = factory.unit("Xã Giờ Sớm")
    directive = factory.directive(issuer=factory.unit("Tỉnh Giờ Sớm", kind="ubnd_tinh"))
    response = client_for(admin.username).post(f"/quan-tri/van-ban/{directive.id}/nhiem-vu/moi", data={
        "section": "", "number": "1", "position": "", "text": "Báo cáo hằng ngày trước 09 giờ", "addressed_to": "",
        "deadline_text": "", "deadline_kind": "daily", "deadline_date": "", "deadline_time": "09:00", "weekday": "",
        "month_day": "", "window_start": "", "window_end": "", "group_kind": "", "group_parent": "",
        "lead_units": [str(commune.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)
    task = Task.get(Task.text == "Báo cáo hằng ngày trước 09 giờ")
    assert task.created_at == two_am
    entry = AuditEntry.get((AuditEntry.object_type == "task") & (AuditEntry.object_id == task.id))
    assert entry.at == two_am
    # The duty starts the day it was created in Vietnam: its first report is due 20/03 at 09:00.
    client_for(admin.username).get("/")
    first = Occurrence.select().order_by(Occurrence.due_at).first()
    assert first.due_at == datetime.combine(date(2024, 3, 20), time(9, 0))
    # A unit created through the admin page is dated by the same clock.
    client_for(admin.username).post("/quan-tri/don-vi/moi", data={"name": "Xã Mới Lúc Hai Giờ", "kind": "ubnd_xa",
                                                                 "parent": "", "merged_into": "", "active": "y"})
    assert Unit.get(Unit.name == "Xã Mới Lúc Hai Giờ").created_at == two_am


def test_the_wall_clock_is_vietnam_time_whatever_the_server_zone(utc_process):
    from zoneinfo import ZoneInfo

    from webapp.clock import vietnam_now
    expected = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None)
    assert abs((vietnam_now() - expected).total_seconds()) < 5
    assert abs((vietnam_now() - datetime.now()).total_seconds()) > 6 * 3600  # the server says UTC


def test_no_script_run_from_its_folder_hides_a_standard_module():
    # `python bench/run.py` puts bench/ first on sys.path: a bench/concurrent.py there made
    # `import concurrent.futures` (webapp/pdf.py) fail and `make bench` stop before measuring.
    folders = [ROOT / "bench", ROOT / "scripts", ROOT]
    shadowing = sorted(str(path.relative_to(ROOT)) for folder in folders for path in folder.glob("*.py")
                       if path.stem in sys.stdlib_module_names)
    assert shadowing == []
