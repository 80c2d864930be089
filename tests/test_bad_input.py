"""Input that used to give HTTP 500: numbers too large for a database integer in URLs and query
strings, dates at the ends of the calendar, forms posted without their optional fields, and evidence
file names that hide their extension or are too long. Each now gets a 404 or a Vietnamese message."""
import io

import pytest
from werkzeug.routing import IntegerConverter

from webapp.core.uploads import MAX_NAME_LENGTH, display_name
from webapp.models import Assignment, Directive, Task, Unit, Update
from webapp.web import IdConverter

HUGE = str(2**63)
HUGER = "9" * 40
PDF = b"%PDF-1.4\n%test\n"


def html(response):
    return response.get_data(as_text=True)


@pytest.fixture
def own(demo):
    return (Assignment.select().join(Task).switch(Assignment).join(Unit)
            .where((Unit.name == "Tổ công tác Đề án 06 xã Quài Cang") & (Task.number == "1.1")).get())


def test_every_route_takes_ids_through_the_bounded_converter(app):
    plain = [rule.rule for rule in app.url_map.iter_rules()
             if any(type(c) is IntegerConverter for c in rule._converters.values())]
    assert not plain, f"use <id:…> rather than <int:…>: {plain}"
    assert any(isinstance(c, IdConverter) for rule in app.url_map.iter_rules() for c in rule._converters.values())


@pytest.mark.parametrize("number", [HUGE, HUGER, "0"])
@pytest.mark.parametrize("path", [
    "/giao-viec/{n}", "/giao-viec/{own}/minh-chung/{n}", "/giao-viec/{own}/ky-bao-cao/{n}/tep",
    "/bao-cao/{n}", "/bao-cao/{n}/pdf", "/so-lieu/2b/{n}", "/so-lieu/2a/{n}", "/van-ban/{n}",
    "/chi-tieu/bo/{n}", "/so-lieu/bo/{n}/tong-hop/{n}", "/so-lieu/bo/1/nhap/{n}", "/quan-tri/bo-chi-tieu/{n}",
    "/quan-tri/nguoi-dung/{n}/sua", "/quan-tri/van-ban/{n}", "/quan-tri/don-vi/{n}/sua",
])
def test_path_ids_too_large_for_the_database_are_404(own, client_for, path, number):
    response = client_for("admin").get(path.format(n=number, own=own.id))
    assert response.status_code == 404


@pytest.mark.parametrize("username,path", [
    ("lanhdao", "/?unit={n}"), ("lanhdao", "/?directive={n}"), ("lanhdao", "/tong-hop/?unit={n}"),
    ("lanhdao", "/tong-hop/?directive={n}"), ("lanhdao", "/tong-hop/qua-han?unit={n}"),
    ("admin", "/chi-tieu/bo/1?year={n}"), ("admin", "/quan-tri/nhat-ky?unit={n}"), ("admin", "/quan-tri/nhat-ky?user={n}"),
    ("admin", "/quan-tri/nhat-ky?id={n}"), ("admin", "/quan-tri/nguoi-dung/?page={n}"), ("quaicang", "/?page={n}"),
])
def test_query_numbers_too_large_for_the_database_are_404(demo, client_for, username, path):
    client = client_for(username)
    for number in (HUGE, HUGER, "-" + HUGE):
        status = client.get(path.format(n=number)).status_code
        assert status in (200, 404), (path, number, status)
        assert status == 404 or "page=" in path  # a page number is only clamped


@pytest.mark.parametrize("path", ["/tong-hop/?date={d}", "/tong-hop/?period=week&date={d}",
                                  "/tong-hop/?period=quarter&date={d}", "/tong-hop/qua-han?date={d}"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "31/12/9999", "01/01/0001"])
def test_dates_at_the_ends_of_the_calendar_fall_back_to_today_with_a_message(demo, client_for, path, day):
    response = client_for("lanhdao").get(path.format(d=day))
    assert response.status_code == 200
    if "qua-han" not in path:
        assert "Năm phải trong khoảng 1900–2100" in html(response)


@pytest.mark.parametrize("field", ["from", "to"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "31/12/9999"])
def test_the_audit_log_refuses_dates_at_the_ends_of_the_calendar_with_a_message(demo, client_for, field, day):
    response = client_for("admin").get(f"/quan-tri/nhat-ky?{field}={day}")
    assert response.status_code == 200 and "Năm phải trong khoảng 1900–2100" in html(response)


def test_the_dashboard_reads_a_day_typed_dd_mm_yyyy_and_an_old_iso_link(demo, client_for):
    client = client_for("lanhdao")
    for day in ("15/02/2024", "2024-02-15"):
        assert "Tỷ lệ báo cáo định kỳ · Tháng 02/2024" in html(client.get(f"/tong-hop/?date={day}")), day


def test_a_directive_posted_without_its_optional_text_fields_is_saved_with_them_blank(demo, client_for):
    issuer = Unit.get(Unit.name == "UBND tỉnh Quảng Trị")
    response = client_for("admin").post("/quan-tri/van-ban/moi", data={"issuer": issuer.id,
                                                                       "subject": "V/v chỉ có trích yếu"})
    assert response.status_code == 302
    directive = Directive.get(Directive.subject == "V/v chỉ có trích yếu")
    assert (directive.number, directive.place, directive.signer_name) == ("", "", "")


def test_a_task_posted_without_its_optional_text_fields_is_saved_with_them_blank(demo, client_for):
    directive = Directive.get(Directive.number == "/UBND-KGVX")
    lead = Unit.get(Unit.name == "UBND huyện Gio Linh")
    response = client_for("admin").post(f"/quan-tri/van-ban/{directive.id}/nhiem-vu/moi", data={
        "text": "Nhiệm vụ chỉ có nội dung", "deadline_kind": "ongoing", "lead_units": [lead.id],
        "weekday": "", "group_kind": "", "group_parent": ""})  # the selects a browser always sends
    assert response.status_code == 302
    task = Task.get(Task.text == "Nhiệm vụ chỉ có nội dung")
    assert (task.section, task.number, task.addressed_to, task.deadline_text) == ("", "", "", "")


@pytest.mark.parametrize("parent", [HUGE, HUGER, "-1"])
def test_a_unit_parent_id_out_of_range_is_refused_beside_the_field(demo, client_for, parent):
    unit = Unit.get(Unit.name == "UBND xã Quài Cang")
    response = client_for("admin").post(f"/quan-tri/don-vi/{unit.id}/sua", data={
        "name": unit.name, "kind": unit.kind, "parent": parent, "merged_into": "", "active": "y"})
    assert response.status_code == 200 and "Lựa chọn không hợp lệ." in html(response)
    assert Unit.get_by_id(unit.id).parent_id == unit.parent_id


def test_file_names_lose_bidi_and_control_characters():
    assert display_name("ho-so\u202egpj.pdf") == "ho-sogpj.pdf"
    assert display_name("a\u2066b\u2069\u200f\x00c.docx") == "abc.docx"
    assert display_name("C:\\Users\\x\\biên bản.png") == "biên bản.png"


def test_a_long_file_name_is_shortened_before_its_extension():
    name = display_name("b" * 300 + ".pdf")
    assert len(name) == MAX_NAME_LENGTH and name.endswith("b.pdf")


def test_evidence_named_with_a_right_to_left_override_is_kept_without_it(own, client_for):
    client = client_for("quaicang")
    response = client.post(f"/giao-viec/{own.id}", content_type="multipart/form-data", data={
        "state": "in_progress", "percent": "20", "note": "kèm tệp", "version": str(own.version),
        "evidence": (io.BytesIO(PDF), "bien-ban\u202excod.pdf")})
    assert response.status_code == 302
    assert Update.select().order_by(Update.id.desc()).first().evidence_name == "bien-banxcod.pdf"


def test_evidence_with_a_300_character_pdf_name_is_accepted_as_a_pdf(own, client_for):
    client = client_for("quaicang")
    response = client.post(f"/giao-viec/{own.id}", content_type="multipart/form-data", data={
        "state": "in_progress", "percent": "20", "note": "tên dài", "version": str(own.version),
        "evidence": (io.BytesIO(PDF), "Báo cáo " + "rất dài " * 40 + ".pdf")})
    assert response.status_code == 302, html(response)
    name = Update.select().order_by(Update.id.desc()).first().evidence_name
    assert len(name) <= MAX_NAME_LENGTH and name.endswith(".pdf")


@pytest.mark.parametrize("where", ["query", "form", "file name"])
def test_a_nul_character_anywhere_is_a_400_and_changes_nothing(own, client_for, where):
    """PostgreSQL cannot store one; it is in nothing anyone types."""
    client = client_for("quaicang")
    data = {"state": "in_progress", "percent": "20", "note": "ghi chú", "version": str(own.version)}
    if where == "query":
        response = client.get("/?directive=1\x00")
    elif where == "form":
        response = client.post(f"/giao-viec/{own.id}", data={**data, "note": "a\x00b"})
    else:
        response = client.post(f"/giao-viec/{own.id}", content_type="multipart/form-data",
                               data={**data, "evidence": (io.BytesIO(PDF), "a\x00.pdf")})
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in html(response)
    assert Update.select().where(Update.assignment == own.id).count() == 0
