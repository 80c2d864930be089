"""A directive entered from its document (admin: Thêm văn bản → đọc → xem lại → lưu): both seed
directives pasted as they are come out with the tasks, units and deadlines of DESIGN.md; nothing is
saved until the admin confirms; the review keeps its state in the form; the task form's own checks
apply and one refused task saves nothing; uploads are checked and kept as the attachment."""
import hashlib
import io
import re
from datetime import date, datetime, time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.datastructures import MultiDict

from tests.helpers import database_fingerprint, form_values
from tests.test_directive_reader import scanned_pdf
from webapp.core import uploads
from webapp.models import AuditEntry, Cooperation, Directive, Notification, Task, Unit
from webapp.seed import QT_DISTRICTS, TUAN_GIAO_COMMUNES

SEEDS = Path(__file__).parent / "data" / "directives"
QT_TEXT = (SEEDS / "quang_tri_chi_tra_khong_dung_tien_mat.txt").read_text(encoding="utf-8")
TG_TEXT = (SEEDS / "tuan_giao_cao_diem_de_an_06.txt").read_text(encoding="utf-8")
READ, REVIEW = "/quan-tri/van-ban/doc", "/quan-tri/van-ban/doc/xem-lai"

SO = ["Sở Lao động - Thương binh và Xã hội"]
BDT = ["Bưu điện tỉnh Quảng Trị"]
DISTRICTS = sorted(name for name, _ in QT_DISTRICTS)
GROUPS = sorted(f"Tổ công tác Đề án 06 {c}" for c in TUAN_GIAO_COMMUNES)
POLICE, LABOUR, POST = ["Công an huyện Tuần Giáo"], ["Phòng Lao động - Thương binh và Xã hội huyện Tuần Giáo"], \
    ["Bưu điện huyện Tuần Giáo"]
TELECOMS = sorted(["VNPT Điện Biên", "Viettel Điện Biên", "MobiFone Điện Biên"])

# DESIGN.md's list, as the review proposes it: number -> (lead units, cooperating units, deadline
# fields as the task form shows them). The blanks are what the document leaves to the admin.
QT_ROWS = {
    "1.1": (SO, DISTRICTS, {"deadline_kind": "within_month", "deadline_date": "01/2024"}),
    "1.2": (SO, BDT, {"deadline_kind": "immediate", "deadline_date": ""}),
    "1.3": (SO, BDT, {"deadline_kind": "within_month", "deadline_date": "02/2024"}),
    "1.4": (SO, DISTRICTS, {"deadline_kind": "daily", "deadline_time": "10:00"}),
    "1.5": (SO, [], {"deadline_kind": "monthly", "month_day": "28"}),
    "2.1": (BDT, [], {"deadline_kind": "fixed", "deadline_date": "15/01/2024"}),
    "2.2": (BDT, SO, {"deadline_kind": "within_month", "deadline_date": "02/2024"}),
    "2.3": (BDT, [], {"deadline_kind": "ongoing"}),
    "3.1": (DISTRICTS, [], {"deadline_kind": "ongoing"}),  # no deadline written: flagged, see below
    "3.2": (DISTRICTS, SO, {"deadline_kind": "within_month", "deadline_date": "01/2024"}),
    "3.3": (DISTRICTS, [], {"deadline_kind": "ongoing"}),
    "3.4": (DISTRICTS, [], {"deadline_kind": "ongoing"}),
    "3.5": (DISTRICTS, [], {"deadline_kind": "ongoing"}),
    "3.6": (DISTRICTS, [], {"deadline_kind": "daily", "deadline_time": "09:00"}),
}
CAMPAIGN = {"window_start": "11/03/2024", "window_end": "31/03/2024"}
TG_ROWS = {
    "1.1": (GROUPS, [], {"deadline_kind": "fixed", "deadline_date": "31/03/2024"}),
    "1.2": (GROUPS, [], {"deadline_kind": "weekly", "weekday": "2", "deadline_time": "14:00", **CAMPAIGN}),
    "2.1": (POLICE, [], {"deadline_kind": "fixed", "deadline_date": "31/03/2024"}),
    "2.2": (POLICE, [], {"deadline_kind": "weekly", "weekday": "", "deadline_time": "", **CAMPAIGN}),
    "2.3": (POLICE, [], {"deadline_kind": "ongoing"}),
    "3.1": (LABOUR, [], {"deadline_kind": "immediate", "deadline_date": ""}),
    "3.2": (LABOUR, [], {"deadline_kind": "weekly", "weekday": "", "deadline_time": "", **CAMPAIGN}),
    "3.3": (LABOUR, POST, {"deadline_kind": "ongoing"}),
    "3.4": (LABOUR, [], {"deadline_kind": "ongoing"}),
    "4.1": (POST, [], {"deadline_kind": "monthly", "month_day": ""}),
    "4.2": (POST, [], {"deadline_kind": "ongoing"}),
    "5.1": (TELECOMS, [], {"deadline_kind": "ongoing"}),
}


@pytest.fixture
def admin(demo, client_for):
    return client_for("admin")


def unit_names(ids):
    return sorted(u.name for u in Unit.select().where(Unit.id.in_([int(i) for i in ids]))) if ids else []


def review_of(client, text=None, **data):
    response = client.post(READ, data={"text": text, **data} if text is not None else data,
                           content_type="multipart/form-data")
    assert response.status_code == 200
    return response, MultiDict([tuple(v) for v in form_values(response.get_data(as_text=True), "review-form")])


def rows_of(values: MultiDict) -> dict:
    """number -> {"key", "lead" names, "coop" names, field: value} of each row, in page order."""
    rows = {}
    for key in values.getlist("row"):
        p = f"t{key}-"
        row = {name[len(p):]: values.get(name) for name in values if name.startswith(p)}
        row.update(key=key, lead=unit_names(values.getlist(p + "lead_units")),
                   coop=unit_names(values.getlist(p + "cooperating_units")))
        rows[row["number"]] = row
    return rows


def post(client, values: MultiDict, action: str, htmx=False, **changes):
    data = MultiDict([(k, v) for k, v in values.items(multi=True) if k not in changes and k != "action"])
    for name, value in changes.items():
        for one in value if isinstance(value, list) else [value]:
            data.add(name, one)
    data.add("action", action)
    return client.post(REVIEW, data=data, headers={"HX-Request": "true"} if htmx else {})


def assert_rows(rows: dict, expected: dict) -> None:
    assert list(rows) == list(expected)
    for number, (lead, coop, fields) in expected.items():
        row = rows[number]
        assert row["lead"] == sorted(lead), (number, "lead", row["lead"])
        assert row["coop"] == sorted(coop), (number, "cooperating", row["coop"])
        for name, value in fields.items():
            assert (row.get(name) or "") == value, (number, name, row.get(name))


# --- The seeds, pasted as they are -------------------------------------------------------------

# ../shared/seeds/000_345ef2d765869b5f.txt and 004_7ed5d58896b89423.txt: the copies here must stay
# byte for byte the same (OCR slips and all), or "pasted as they are" would test something else.
SEED_SHA256 = {
    "quang_tri_chi_tra_khong_dung_tien_mat.txt": "6a8566a4975957b99a5fe5bfd582054a5dac779efa2045cfaf9d283357bc32f4",
    "tuan_giao_cao_diem_de_an_06.txt": "fa7c282ecbb3d2258a56c704e168acbfc482a5a4f184ada6c339f6643c55043a",
}


def test_the_seed_texts_are_the_shared_seeds_byte_for_byte():
    for name, digest in SEED_SHA256.items():
        assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest() == digest, name


def test_add_directive_page_offers_paste_upload_and_the_manual_form(admin):
    html = admin.get("/quan-tri/van-ban/moi").get_data(as_text=True)
    assert f'action="{READ}"' in html and 'enctype="multipart/form-data"' in html
    assert 'name="text"' in html and 'type="file"' in html and 'accept=".docx,.pdf,.txt"' in html
    assert "Hoặc nhập tay từng trường" in html and 'name="subject"' in html


def test_quang_tri_pasted_as_it_is_gives_every_task_unit_and_deadline(admin):
    response, values = review_of(admin, QT_TEXT)
    assert_rows(rows_of(values), QT_ROWS)
    html = response.get_data(as_text=True)
    assert unit_names([values["d-issuer"]]) == ["UBND tỉnh Quảng Trị"]
    assert (values["d-number"], values["d-issued"], values["d-place"]) == ("/UBND-KGVX", "2024", "Quảng Trị")
    assert values["d-subject"].startswith("V/v tăng cường thực hiện chi trả an sinh xã hội")
    assert (values["d-signing_authority"], values["d-signer_title"], values["d-signer_name"]) == (
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hoàng Nam")
    assert values["d-recipients"].splitlines() == ["Sở Lao động - Thương binh và Xã hội", "Bưu điện tỉnh",
                                                   "UBND các huyện, thị xã, thành phố"]
    # What the admin must look at is said where it is.
    assert "Văn bản ghi: «UBND các huyện, thị xã, thành phố» — <span class=\"match match-group\">Nhóm: 9 đơn vị " \
           "trong UBND tỉnh Quảng Trị" in html
    assert "Văn bản ghi: «Bưu điện tỉnh» — <span class=\"match match-near\">Gần đúng, kiểm tra lại" in html
    assert "Văn bản không ghi thời hạn: tạm để “Thường xuyên”" in html  # 3.1
    assert "Văn bản ghi “ngay”, “khẩn trương”: hãy đặt ngày hạn." in html  # 1.2
    assert rows_of(values)["3.1"]["addressed_to"] == "UBND các huyện, thị xã, thành phố"


def test_tuan_giao_pasted_as_it_is_gives_every_task_unit_and_deadline(admin):
    response, values = review_of(admin, TG_TEXT)
    assert_rows(rows_of(values), TG_ROWS)
    assert unit_names([values["d-issuer"]]) == ["Ban Chỉ đạo Đề án 06 huyện Tuần Giáo"]
    assert (values["d-number"], values["d-issued"], values["d-signer_name"]) == ("/BCĐĐA06", "03/2024", "Lê Xuân Cảnh")
    rows = rows_of(values)
    assert rows["1.1"]["section"] == "1. Tổ Công tác Đề án 06 cấp xã"
    assert "+ Đối với trường hợp có điều kiện" in rows["1.1"]["source"]
    assert rows["2.2"]["guesses"].split() == ["set_time", "set_weekday"]
    html = response.get_data(as_text=True)
    assert "Nhóm: 19 đơn vị trong UBND huyện Tuần Giáo" in html
    # Other districts' offices are offered beside the one ticked, never ticked themselves.
    assert re.search(r'value="\d+"> Phòng Lao động - Thương binh và Xã hội huyện Gio Linh', html)


def test_tuan_giao_saved_after_filling_what_the_document_leaves_open(admin):
    _, values = review_of(admin, TG_TEXT)
    rows = rows_of(values)
    before = Directive.select().count()
    response = post(admin, values, "save", **{
        f"t{rows['2.2']['key']}-weekday": "2", f"t{rows['2.2']['key']}-deadline_time": "16:00",
        f"t{rows['3.1']['key']}-deadline_date": "12/03/2024",
        f"t{rows['3.2']['key']}-weekday": "4", f"t{rows['3.2']['key']}-deadline_time": "10:00"})
    assert response.status_code == 302
    directive = Directive.select().order_by(Directive.id.desc()).get()
    assert Directive.select().count() == before + 1
    assert response.headers["Location"].endswith(f"/quan-tri/van-ban/{directive.id}")
    assert (directive.number, directive.issued_on, directive.issued_precision) == ("/BCĐĐA06", date(2024, 3, 1), "month")
    assert directive.issuer.name == "Ban Chỉ đạo Đề án 06 huyện Tuần Giáo" and directive.attachment_path is None
    tasks = list(Task.select().where(Task.directive == directive.id).order_by(Task.position))
    assert [t.number for t in tasks] == list(TG_ROWS) and [t.position for t in tasks] == list(range(1, 13))
    by_number = {t.number: t for t in tasks}
    for number, (lead, coop, _) in TG_ROWS.items():
        task = by_number[number]
        assert sorted(a.unit.name for a in task.assignments) == sorted(lead), number
        assert sorted(c.unit.name for c in task.cooperations) == sorted(coop), number
    weekly = by_number["1.2"]
    assert (weekly.deadline_kind, weekly.weekday, weekly.deadline_time, weekly.window_start, weekly.window_end) == (
        "weekly", 2, time(14, 0), date(2024, 3, 11), date(2024, 3, 31))
    assert by_number["3.1"].rule.describe() == "Ngay (hạn ngày 12/03/2024)"
    assert by_number["2.2"].rule.describe().startswith("Thứ Tư hằng tuần trước 16:00")
    assert by_number["1.1"].section == "1. Tổ Công tác Đề án 06 cấp xã"
    # As if entered by hand: audited, and each unit told of its new assignment.
    assert AuditEntry.select().where((AuditEntry.object_type == "task") & (AuditEntry.action == "create")).count() >= 12
    assert Notification.select().where(Notification.kind == "new_assignment").count() > 0
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã thêm văn bản Số /BCĐĐA06 (03/2024) với 12 nhiệm vụ." in page
    assert "Tổ công tác Đề án 06 xã Quài Cang" in page and "Bưu điện huyện Tuần Giáo" in page


def test_quang_tri_saved_whole_with_its_groups_and_partners(admin):
    _, values = review_of(admin, QT_TEXT)
    key = rows_of(values)["1.2"]["key"]
    assert post(admin, values, "save", **{f"t{key}-deadline_date": "10/01/2024"}).status_code == 302
    directive = Directive.select().order_by(Directive.id.desc()).get()
    tasks = {t.number: t for t in Task.select().where(Task.directive == directive.id)}
    assert sorted(a.unit.name for a in tasks["3.6"].assignments) == DISTRICTS
    assert sorted(c.unit.name for c in tasks["1.1"].cooperations) == DISTRICTS
    assert [c.unit.name for c in tasks["2.2"].cooperations] == SO
    assert tasks["1.5"].rule.describe() == "Trước ngày 28 hằng tháng"
    assert tasks["3.1"].addressed_to == "UBND các huyện, thị xã, thành phố"
    assert (tasks["1.4"].deadline_kind, tasks["1.4"].working_days_only) == ("daily", True)


# --- Nothing saved until the admin confirms; the state lives in the form ----------------------

def test_reading_and_every_row_action_save_nothing(admin):
    before = database_fingerprint()
    _, values = review_of(admin, QT_TEXT)
    key = rows_of(values)["1.1"]["key"]
    for action in ("refresh", "add", f"split-{key}", f"merge-{key}", f"remove-{key}", f"row-{key}"):
        assert post(admin, values, action).status_code == 200
        assert post(admin, values, action, htmx=True).status_code == 200
    assert database_fingerprint() == before


def test_an_edit_survives_a_row_action_elsewhere(admin):
    _, values = review_of(admin, TG_TEXT)
    rows = rows_of(values)
    k11, k23 = rows["1.1"]["key"], rows["2.3"]["key"]
    response = post(admin, values, f"remove-{k23}", **{f"t{k11}-text": "Thành lập tổ công tác (đã sửa)."})
    after = rows_of(MultiDict([tuple(v) for v in form_values(response.get_data(as_text=True), "review-form")]))
    assert "2.3" not in after and len(after) == 11
    assert after["1.1"]["text"] == "Thành lập tổ công tác (đã sửa)."
    assert after["1.1"]["lead"] == GROUPS


def test_split_cuts_at_the_first_line_break_and_reads_the_new_part_s_deadline(admin):
    _, values = review_of(admin, QT_TEXT)
    key = rows_of(values)["2.1"]["key"]
    text = "Khẩn trương hoàn thành việc chi trả cho 386 đối tượng.\nBáo cáo kết quả trước ngày 20/01/2024."
    response = post(admin, values, f"split-{key}", **{f"t{key}-text": text})
    rows = rows_of(MultiDict([tuple(v) for v in form_values(response.get_data(as_text=True), "review-form")]))
    numbers = list(rows)
    assert numbers[numbers.index("2.1") + 1] == "2.1b"
    assert rows["2.1"]["text"] == "Khẩn trương hoàn thành việc chi trả cho 386 đối tượng."
    assert rows["2.1b"]["text"] == "Báo cáo kết quả trước ngày 20/01/2024."
    assert (rows["2.1b"]["deadline_kind"], rows["2.1b"]["deadline_date"]) == ("fixed", "20/01/2024")
    assert rows["2.1b"]["lead"] == BDT and "split" in rows["2.1b"]["guesses"].split()


def test_a_one_sentence_task_is_not_split_and_says_how(admin):
    _, values = review_of(admin, QT_TEXT)
    key = rows_of(values)["1.2"]["key"]
    response = post(admin, values, f"split-{key}", **{f"t{key}-text": "Một câu duy nhất"})
    assert "muốn tách ở đâu, hãy xuống dòng ở đó" in response.get_data(as_text=True)
    assert len(rows_of(MultiDict([tuple(v) for v in form_values(response.get_data(as_text=True),
                                                                 "review-form")]))) == len(QT_ROWS)


def test_merge_joins_a_row_with_the_one_below(admin):
    _, values = review_of(admin, QT_TEXT)
    rows = rows_of(values)
    response = post(admin, values, f"merge-{rows['1.5']['key']}")
    merged = rows_of(MultiDict([tuple(v) for v in form_values(response.get_data(as_text=True), "review-form")]))
    assert "2.1" not in merged and len(merged) == len(QT_ROWS) - 1
    assert merged["1.5"]["text"] == rows["1.5"]["text"] + "\n" + rows["2.1"]["text"]
    assert merged["1.5"]["lead"] == sorted(SO + BDT)


def test_added_row_is_blank_and_must_be_filled_before_saving(admin):
    _, values = review_of(admin, TG_TEXT)
    response = post(admin, values, "add", htmx=True)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="review-rows">') and "<h1>" not in html  # the rows only
    assert "Nhiệm vụ thêm tay" in html and html.count('name="row"') == 13


def test_changing_a_kind_shows_that_row_s_fields_only(admin):
    _, values = review_of(admin, TG_TEXT)
    key = rows_of(values)["2.3"]["key"]
    response = post(admin, values, f"row-{key}", htmx=True, **{f"t{key}-deadline_kind": "relative_working_days"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<fieldset class="card review-task') and html.count('name="row"') == 1
    assert f'name="t{key}-deadline_n"' in html and f'name="t{key}-counted_from"' in html


def test_units_are_unticked_and_added_by_name(admin):
    _, values = review_of(admin, QT_TEXT)
    key = rows_of(values)["2.1"]["key"]
    so = Unit.get(Unit.name == SO[0])
    response = post(admin, values, "refresh", **{f"t{key}-add_coop": "sở lao động - thương binh và xã hội"})
    rows = rows_of(MultiDict([tuple(v) for v in form_values(response.get_data(as_text=True), "review-form")]))
    assert rows["2.1"]["coop"] == SO and rows["2.1"]["add_coop"] == ""
    data = MultiDict([(k, v) for k, v in values.items(multi=True) if k != f"t{key}-lead_units"])
    response = post(admin, data, "save", **{f"t{key}-add_lead": "Sở Không Có Thật"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and Directive.select().count() == 2
    assert "Không tìm thấy đơn vị chủ trì «Sở Không Có Thật»: hãy chọn một tên trong danh sách gợi ý." in html
    assert 'value="Sở Không Có Thật"' in html  # left as typed, to correct
    assert so.name == SO[0]


# --- The same checks as manual entry, in one transaction --------------------------------------

def test_a_refused_row_shows_its_errors_keeps_every_value_and_saves_nothing(admin):
    before = database_fingerprint()
    _, values = review_of(admin, TG_TEXT)
    key = rows_of(values)["1.1"]["key"]
    data = MultiDict([(k, v) for k, v in values.items(multi=True) if k != f"t{key}-lead_units"])
    response = post(admin, data, "save", **{f"t{key}-text": "Nội dung đã sửa", "d-subject": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Chưa lưu được" in html
    assert f'href="#t{key}-lead_units">Nhiệm vụ 1.1 – Đơn vị chủ trì: Chọn ít nhất một đơn vị chủ trì' in html
    assert 'href="#d-subject">Trích yếu: Vui lòng nhập trích yếu.' in html
    assert 'href="#t3-weekday">Nhiệm vụ 2.2 – Thứ trong tuần: Cần chọn thứ trong tuần.' in html
    assert "Nội dung đã sửa" in html
    assert database_fingerprint() == before


def test_a_task_core_refuses_rolls_back_the_directive_and_every_task_before_it(admin):
    """Counting from the issue date needs an issue date known to the day (core.directives.save_task):
    the last task is refused, so the directive and the tasks saved before it are undone."""
    before = database_fingerprint()
    _, values = review_of(admin, TG_TEXT)
    rows = rows_of(values)
    fill = {f"t{rows['2.2']['key']}-weekday": "2", f"t{rows['2.2']['key']}-deadline_time": "16:00",
            f"t{rows['3.1']['key']}-deadline_date": "12/03/2024", f"t{rows['3.2']['key']}-weekday": "4",
            f"t{rows['3.2']['key']}-deadline_time": "10:00"}
    last = rows["5.1"]["key"]
    response = post(admin, values, "save", **fill, **{f"t{last}-deadline_kind": "relative_working_days",
                                                       f"t{last}-deadline_n": "5", f"t{last}-counted_from": "issue"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Văn bản chưa có ngày ban hành đủ ngày, tháng, năm" in html
    assert f'href="#t{last}-counted_from">Nhiệm vụ 5.1' in html
    assert database_fingerprint() == before


def test_a_hostile_review_post_is_refused_clearly(admin):
    _, values = review_of(admin, QT_TEXT)
    key = rows_of(values)["1.1"]["key"]
    hostile = {f"t{key}-lead_units": ["abc", "9" * 40], "row": [str(key), "-1", "99999", "x"],
               f"t{key}-guesses": "<script> lead", "attachment": "forged.token"}
    response = post(admin, MultiDict([(k, v) for k, v in values.items(multi=True) if k != "row"]), "save", **hostile)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and Directive.select().count() == 2
    assert "Danh sách đơn vị gửi lên không hợp lệ" in html
    assert "Không nhận ra tệp văn bản đã tải lên" in html and "<script>" not in html
    assert html.count('name="row"') == 1


# --- Uploads ----------------------------------------------------------------------------------

def docx_of(text: str) -> bytes:
    import docx
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_uploaded_docx_is_read_and_kept_as_the_attachment(admin, app):
    data = docx_of(TG_TEXT)
    response, values = review_of(admin, file=(io.BytesIO(data), "Công văn 06.docx"))
    assert "Tệp văn bản: <strong>Công văn 06.docx</strong>" in response.get_data(as_text=True)
    assert list(rows_of(values)) == list(TG_ROWS)
    pending = list((Path(app.config["UPLOAD_DIR"]) / uploads.PENDING_DIR).iterdir())
    assert len(pending) == 1 and pending[0].read_bytes() == data
    rows = rows_of(values)
    response = post(admin, values, "save", **{
        f"t{rows['2.2']['key']}-weekday": "2", f"t{rows['2.2']['key']}-deadline_time": "16:00",
        f"t{rows['3.1']['key']}-deadline_date": "12/03/2024",
        f"t{rows['3.2']['key']}-weekday": "4", f"t{rows['3.2']['key']}-deadline_time": "10:00"})
    assert response.status_code == 302
    directive = Directive.select().order_by(Directive.id.desc()).get()
    assert (directive.attachment_name, directive.attachment_size) == ("Công văn 06.docx", len(data))
    assert not list((Path(app.config["UPLOAD_DIR"]) / uploads.PENDING_DIR).iterdir())
    download = admin.get(f"/van-ban/{directive.id}/tep")
    assert download.status_code == 200 and download.data == data
    assert "attachment" in download.headers["Content-Disposition"]
    page = admin.get(f"/van-ban/{directive.id}").get_data(as_text=True)
    assert f'href="/van-ban/{directive.id}/tep"' in page


def test_pasted_text_is_read_and_the_file_beside_it_kept(admin):
    response, values = review_of(admin, TG_TEXT, file=(io.BytesIO(b"Kinh gui: So Y te."), "ban-goc.txt"))
    html = response.get_data(as_text=True)
    assert "Đã đọc nội dung dán vào; tệp “ban-goc.txt” được lưu kèm văn bản." in html
    assert list(rows_of(values)) == list(TG_ROWS)


def test_a_review_whose_file_was_swept_away_saves_nothing(admin, app):
    _, values = review_of(admin, file=(io.BytesIO(docx_of(QT_TEXT)), "qt.docx"))
    for path in (Path(app.config["UPLOAD_DIR"]) / uploads.PENDING_DIR).iterdir():
        path.unlink()
    key = rows_of(values)["1.2"]["key"]
    response = post(admin, values, "save", **{f"t{key}-deadline_date": "10/01/2024"})
    assert response.status_code == 200 and Directive.select().count() == 2
    assert "Tệp văn bản tải lên đã quá hạn lưu tạm; hãy tải tệp lên lại." in response.get_data(as_text=True)


def test_files_left_aside_longer_than_two_days_are_removed(app, tmp_path):
    directory = Path(app.config["UPLOAD_DIR"])
    old = uploads.store_pending(b"x", "a.txt", str(directory), now=datetime(2024, 3, 1, 8))
    kept = uploads.store_pending(b"y", "b.txt", str(directory), now=datetime(2024, 3, 2, 9))
    uploads.store_pending(b"z", "c.txt", str(directory), now=datetime(2024, 3, 3, 9))
    names = {p.name for p in (directory / uploads.PENDING_DIR).iterdir()}
    assert old.stored_name not in names and kept.stored_name in names and len(names) == 2
    with pytest.raises(uploads.UploadError):
        uploads.claim_pending("../../etc/passwd", str(directory))


@pytest.mark.parametrize("name,data,message", [
    ("quet.pdf", scanned_pdf(), "Tệp PDF không có lớp chữ (bản quét)"),
    ("virus.exe", b"MZ\x90\x00", "Chỉ đọc được tệp .docx, .pdf hoặc .txt"),
    ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Chưa đọc được tệp .doc (Word 97-2003)"),
    ("gia.docx", b"PK\x03\x04 not a zip", "bị hỏng hoặc không phải là tệp Word"),
    ("rong.txt", b"", "Tệp rỗng"),
    ("to.txt", b"a" * (10 * 1024 * 1024 + 1), "Tệp quá lớn: tối đa 10 MB"),
])
def test_unreadable_uploads_are_refused_in_vietnamese_and_nothing_is_kept(admin, app, name, data, message):
    before = database_fingerprint()
    response = admin.post(READ, data={"text": "", "file": (io.BytesIO(data), name)},
                          content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html and "Xem lại văn bản" not in html
    assert 'class="error"' in html and "Đọc từ văn bản" in html
    pending = Path(app.config["UPLOAD_DIR"]) / uploads.PENDING_DIR
    assert not pending.exists() or not list(pending.iterdir())
    assert database_fingerprint() == before


def test_nothing_pasted_nor_chosen_is_explained(admin):
    html = admin.post(READ, data={"text": "   "}).get_data(as_text=True)
    assert "Hãy dán nội dung văn bản, hoặc chọn tệp văn bản." in html


def test_an_upload_over_the_request_limit_is_refused_before_reading(admin):
    response = admin.post(READ, data={"file": (io.BytesIO(b"a" * (12 * 1024 * 1024)), "lon.txt")},
                          content_type="multipart/form-data")
    assert response.status_code == 413 and "Tệp quá lớn" in response.get_data(as_text=True)


def test_a_text_with_no_task_still_gives_a_review_to_fill_in(admin):
    response, values = review_of(admin, (SEEDS / "notice_giay_moi_hop.txt").read_text(encoding="utf-8"))
    html = response.get_data(as_text=True)
    assert "Không có nhiệm vụ nào." in html and values.getlist("row") == []
    assert values["d-subject"] == "Họp triển khai công tác chuyển đổi số tháng 11 năm 2025"


def test_cooperation_is_not_doubled_when_a_lead_is_also_ticked_as_partner(admin):
    _, values = review_of(admin, QT_TEXT)
    key = rows_of(values)["1.2"]["key"]
    so = str(Unit.get(Unit.name == SO[0]).id)
    assert post(admin, values, "save", **{f"t{key}-deadline_date": "10/01/2024",
                                          f"t{key}-cooperating_units": [so]}).status_code == 302
    task = Task.get((Task.number == "1.2") & (Task.directive == Directive.select().order_by(Directive.id.desc()).get()))
    assert [c.unit.name for c in Cooperation.select().where(Cooperation.task == task.id)] == []


def test_a_long_plan_is_reviewed_and_posted_back_whole(admin):
    """150 long tasks, well over half a megabyte of form fields: the review shows and takes them all back."""
    filler = "rà soát, tổng hợp, đánh giá kết quả thực hiện chi trả không dùng tiền mặt cho đối tượng " * 12
    items = "\n\n".join(f"{n}. Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với Bưu điện tỉnh {filler}"
                        f"hoàn thành trước ngày {1 + n % 28:02d}/06/2024." for n in range(1, 151))
    text = f"ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\n\nSố: 77/KH-UBND\n\nKính gửi: Sở Lao động - Thương binh và Xã hội.\n\n{items}"
    _, values = review_of(admin, text)
    rows = rows_of(values)
    assert len(rows) == 150 and rows["150"]["lead"] == SO and rows["150"]["deadline_date"] == "11/06/2024"
    assert len(urlencode(list(values.items(multi=True)))) > 500_000
    response = post(admin, values, "refresh")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('name="row"') == 150


def test_a_pasted_text_over_the_limit_is_refused_in_vietnamese_not_as_a_file_too_large(admin):
    response = admin.post(READ, data={"text": "ệ" * 200_001}, content_type="multipart/form-data")  # 600 kB
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tối đa 200000 ký tự." in html and "Xem lại văn bản" not in html


LAI_CHAU_LETTER = """ỦY BAN NHÂN DÂN
TỈNH LAI CHÂU

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 812/UBND-KT
V/v rà soát văn bản quy phạm pháp luật về tiêu chuẩn, quy chuẩn kỹ thuật

Lai Châu, ngày 02 tháng 12 năm 2025

Kính gửi:
- Các sở, ban, ngành tỉnh;
- UBND các xã, phường.

Thực hiện Kế hoạch số 7360/KH-UBND ngày 19/11/2025 của UBND tỉnh, UBND tỉnh yêu cầu:

1. UBND các xã, phường rà soát văn bản quy phạm pháp luật do địa phương ban hành có liên quan; gửi kết quả về Sở Khoa học và Công nghệ trước ngày 15/12/2025.

2. Sở Tư pháp chủ trì, phối hợp với UBND các xã, phường hướng dẫn việc rà soát, hoàn thành trước ngày 10/12/2025.

Nơi nhận:
- Như trên;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Tống Thanh Hải
"""


def test_a_letter_of_a_province_without_districts_gives_its_communes_as_a_group(app, client_for):
    from tests.helpers import load_demo
    load_demo(two_tier=True)
    response, values = review_of(client_for("admin"), LAI_CHAU_LETTER)
    rows = rows_of(values)
    communes = sorted(u.name for u in Unit.select().where(
        (Unit.parent == Unit.get(Unit.name == "UBND tỉnh Lai Châu").id) & (Unit.kind == "ubnd_xa")))
    assert len(communes) == 38
    assert unit_names([values["d-issuer"]]) == ["UBND tỉnh Lai Châu"]
    assert rows["1"]["lead"] == communes
    assert rows["2"]["lead"] == ["Sở Tư pháp tỉnh Lai Châu"] and rows["2"]["coop"] == communes
    assert "Nhóm: 38 đơn vị trong UBND tỉnh Lai Châu" in response.get_data(as_text=True)
