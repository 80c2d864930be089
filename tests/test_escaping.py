"""Hostile text is stored as text and shown escaped everywhere, Excel included."""
import io
import re
import zipfile

import openpyxl

from webapp.models import Unit

HOSTILE = '=HYPERLINK("http://evil.example","<script>alert(1)</script>")'


def test_hostile_names_and_notes_are_escaped_on_pages(demo, client_for, factory):
    unit = factory.unit(HOSTILE, kind="ubnd_xa", parent=Unit.get(Unit.name == "UBND huyện Tuần Giáo"))
    factory.user("hostile", unit=unit)
    directive = factory.directive(issuer=unit, subject="<img src=x onerror=alert(1)>")
    task = factory.task(directive, lead=[unit], text="<b>đậm</b> " + HOSTILE)
    client = client_for("hostile")
    from webapp.models import Assignment
    assignment = Assignment.get(Assignment.task == task.id)
    client.post(f"/giao-viec/{assignment.id}", data={"state": "in_progress", "percent": "5", "note": HOSTILE,
                                                     "version": "1"})
    for path in ("/", f"/giao-viec/{assignment.id}", f"/van-ban/{directive.id}", "/van-ban/"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>đậm</b>" not in page, path
        assert "&lt;script&gt;" in page or "&lt;img" in page, path
    admin = client_for("admin")
    for path in ("/quan-tri/don-vi/", f"/quan-tri/van-ban/{directive.id}"):
        assert "<script>alert(1)" not in admin.get(path).get_data(as_text=True)


def test_excel_exports_write_hostile_names_as_text_not_formulas(demo, client_for):
    province = Unit.get(Unit.name == "UBND tỉnh Quảng Trị")
    from tests.helpers import TEST_NOW
    from webapp.core.units import create_unit
    from tests.helpers import put_target
    from tests.test_targets_import import qt_set
    district = create_unit(HOSTILE, "ubnd_huyen", province, now=TEST_NOW)
    put_target(qt_set(), district, 2024, 0, 10, (1, 1, 1, 1))
    client = client_for("admin")
    s = qt_set().id
    for path in (f"/chi-tieu/bo/{s}/xuat?year=2024", f"/so-lieu/bo/{s}/tong-hop/{province.id}/excel?day=2024-03-20"):
        data = client.get(path).data
        ws = openpyxl.load_workbook(io.BytesIO(data)).active
        cells = [c for row in ws.iter_rows() for c in row if c.value == HOSTILE]
        assert cells and all(c.data_type == "s" for c in cells), path
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        # The only formulas are the sums and rates the exports write; none holds the name.
        formulas = re.findall(r"<f>([^<]*)</f>", sheet)
        assert all(re.fullmatch(r"[A-Z0-9:+/(),SUM]+", f) for f in formulas), (path, formulas)
