"""The directive reader (webapp.rules.directive_reader) and the upload text reader
(webapp.rules.document_text): both seed directives and six more in other layouts, read field by
field; random text and mutated seeds never break it; uploads of each kind and each bad kind."""
import io
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.rules.directive_reader import read_directive

DIRECTIVES = Path(__file__).parent / "data" / "directives"
DEADLINE_FIELDS = ("kind", "date", "time", "weekday", "day", "n", "from", "window")


def read(name: str) -> dict:
    return read_directive((DIRECTIVES / name).read_text(encoding="utf-8"))


def due(kind, **fields):
    """An expected deadline: every field but the quoted text, None unless given."""
    fields = {"from": fields.pop("from_", None), **fields}
    return {key: fields.get(key) if key != "kind" else kind for key in DEADLINE_FIELDS}


def assert_tasks(result: dict, expected: dict) -> None:
    """Every expected task, and no other, with its lead, cooperating units, deadline and guesses."""
    found = {task["ref"]: task for task in result["tasks"]}
    assert list(found) == list(expected), "tasks found differ from the tasks expected"
    for ref, (lead, cooperating, deadline, guesses) in expected.items():
        task = found[ref]
        assert task["lead"] == lead, (ref, "lead", task["lead"])
        assert task["cooperating"] == cooperating, (ref, "cooperating", task["cooperating"])
        got = {key: task["deadline"][key] for key in DEADLINE_FIELDS}
        assert got == deadline, (ref, "deadline", got)
        assert sorted(task["guesses"]) == sorted(guesses), (ref, "guesses", task["guesses"])
        assert task["text"] and task["source"]


def assert_header(result: dict, expected: dict) -> None:
    header = result["header"]
    for key, value in expected.items():
        assert header[key] == value, (key, header[key])


# --- Quảng Trị: tasks grouped by unit, "-" bullets, a closing sentence that is a task ------------

QT = "quang_tri_chi_tra_khong_dung_tien_mat.txt"
SO = "Sở Lao động - Thương binh và Xã hội"
BDT = "Bưu điện tỉnh"
DISTRICTS = "UBND các huyện, thị xã, thành phố"
JAN = due("within_month", date="2024-01-31", window=["2024-01-01", "2024-01-31"])
FEB = due("within_month", date="2024-02-29", window=["2024-02-01", "2024-02-29"])
QT_TASKS = {  # ref: (lead, cooperating, deadline, guesses)
    "1.1": ([SO], [DISTRICTS], JAN, []),
    "1.2": ([SO], [BDT], due("immediate"), []),
    "1.3": ([SO], [BDT], FEB, []),
    "1.4": ([SO], [DISTRICTS], due("daily", time="10:00"), []),
    "1.5": ([SO], [], due("monthly", day=28), []),
    "2.1": ([BDT], [], due("fixed", date="2024-01-15"), []),
    "2.2": ([BDT], ["Sở Lao động - TB&XH"], FEB, []),
    # "Chỉ đạo Bưu điện cấp huyện chủ trì, phối hợp với …": the district offices' partners, not
    # the provincial office's. No deadline is written; "tăng cường" suggests a standing duty.
    "2.3": ([BDT], [], due("ongoing"), ["deadline"]),
    "3.1": ([DISTRICTS], [], due("none"), []),
    "3.2": ([DISTRICTS], [SO], JAN, []),
    "3.3": ([DISTRICTS], [], due("ongoing"), []),
    "3.4": ([DISTRICTS], [], due("ongoing"), []),
    "3.5": ([DISTRICTS], [], due("ongoing"), ["deadline"]),
    "3.6": ([DISTRICTS], [], due("daily", time="09:00"), []),
}


def test_quang_tri_header_is_read_with_its_blank_number_and_year_only_date():
    assert_header(read(QT), {
        "issuer": "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ", "issuer_parent": None, "number": "/UBND-KGVX",
        "date": "2024", "place": "Quảng Trị",
        "subject": "V/v tăng cường thực hiện chi trả an sinh xã hội không dùng tiền mặt trên địa bàn tỉnh",
        "recipients": [SO, BDT, DISTRICTS],
        "signer": {"authority": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH",
                   "name": "Hoàng Nam"},
        "copies": ["Như trên", "Thường trực TCTTKĐA06/CP (C06, BCA)", "Bộ LĐ-TB&XH", "Cục BHXH (Bộ LĐ-TB&XH)",
                   "Chủ tịch, các PCT UBND tỉnh", "Công an tỉnh", "CVP, các PVP", "Lưu VT, KT, KGVX"],
    })


def test_quang_tri_legal_bases_are_the_three_documents_the_preamble_cites():
    bases = read(QT)["header"]["legal_bases"]
    assert [b.split(" ngày")[0].split(" về")[0] for b in bases] == [
        "Chỉ thị số 21/CT-TTg", "Kế hoạch số 159/KH-UBND", "Quyết định số 8674/QĐ-SLĐTBXH"]
    assert bases[0].endswith("về thúc đẩy chuyển đổi số trong chi trả an sinh xã hội không dùng tiền mặt")


def test_quang_tri_every_task_with_its_units_and_deadline():
    assert_tasks(read(QT), QT_TASKS)


def test_quang_tri_ocr_noise_is_mended_in_unit_names():
    result = read(QT)
    names = [n for t in result["tasks"] for n in t["lead"] + t["cooperating"]]
    assert not any("Bureau" in n or "Bru " in n for n in names)
    assert "Bưu điện tỉnh" in result["tasks"][1]["text"]


def test_quang_tri_closing_duty_joins_its_units_section_and_urging_is_no_task():
    tasks = read(QT)["tasks"]
    refs = [t["ref"] for t in tasks]
    assert refs.index("1.5") == refs.index("1.4") + 1
    assert tasks[4]["text"].startswith("Sở Lao động – Thương binh và Xã hội định kỳ trước ngày 28")
    assert not any(t["text"].startswith("Yêu cầu") for t in tasks)
    assert not any("Phụ lục 01" in t["source"] or "GIAO CHỈ TIÊU" in t["source"] for t in tasks)


def test_quang_tri_deadlines_quote_the_words_they_came_from():
    by_ref = {t["ref"]: t["deadline"]["text"] for t in read(QT)["tasks"]}
    assert by_ref["1.1"] == "trong tháng 01 năm 2024"
    assert by_ref["2.1"] == "trước ngày 15/01/2024"
    assert by_ref["1.4"] == "hàng ngày (trước 10 giờ hàng ngày)"
    assert by_ref["3.1"] is None


# --- Tuần Giáo: markdown headings, "+" elaborations, a campaign window in the closing -----------

TG = "tuan_giao_cao_diem_de_an_06.txt"
CAMPAIGN = ["2024-03-11", "2024-03-31"]
IN_CAMPAIGN = due("within_period", date="2024-03-31", window=CAMPAIGN)
GROUPS = "Tổ Công tác Đề án 06 cấp xã"
POLICE = "Công an huyện"
LABOUR = "Phòng Lao động - Thương binh và Xã hội"
POST = "Bưu điện huyện Tuần Giáo"
TELECOMS = "Các doanh nghiệp viễn thông trên địa bàn (VNPT, Viettel, Mobifone)"
TG_TASKS = {
    "1.1": ([GROUPS], [], IN_CAMPAIGN, []),
    "1.2": ([GROUPS], [], due("weekly", weekday=2, time="14:00", window=CAMPAIGN), []),
    "2.1": ([POLICE], [], IN_CAMPAIGN, []),
    "2.2": ([POLICE], [], due("weekly", window=CAMPAIGN), []),  # the text names no weekday
    "2.3": ([POLICE], [], due("ongoing"), []),
    "3.1": ([LABOUR], [], due("immediate"), []),
    "3.2": ([LABOUR], [], due("weekly", window=CAMPAIGN), []),
    "3.3": ([LABOUR], [POST], due("ongoing"), []),       # "ngay khi có đợt chi trả"
    "3.4": ([LABOUR], [], due("ongoing"), []),           # after the campaign, "thường xuyên"
    "4.1": ([POST], [], due("monthly"), []),             # outlasts a three-week campaign
    "4.2": ([POST], [], due("ongoing"), []),             # "nếu phát hiện …"
    "5.1": ([TELECOMS], [], due("ongoing"), ["deadline"]),  # "Tiếp tục xử lý …"
}


def test_tuan_giao_header_with_parent_body_month_only_date_and_two_line_signature():
    assert_header(read(TG), {
        "issuer": "BAN CHỈ ĐẠO ĐỀ ÁN 06", "issuer_parent": "UBND HUYỆN TUẦN GIÁO", "number": "/BCĐĐA06",
        "date": "2024-03", "place": "Tuần Giáo",
        "subject": "V/v tổ chức thực hiện cao điểm chi trả không dùng tiền mặt cho các đối tượng an sinh xã hội",
        "recipients": [POLICE, LABOUR, POST, "Các doanh nghiệp viễn thông trên địa bàn huyện Tuần Giáo",
                       "Tổ Công tác Đề án 06 các xã, thị trấn"],
        "signer": {"authority": "TRƯỞNG BAN CHỈ ĐẠO", "title": "CHỦ TỊCH UBND HUYỆN", "name": "Lê Xuân Cảnh"},
        "copies": ["Như kính gửi (thực hiện)", "Lưu: BCĐĐA06 (CAH)"],
    })
    assert len(read(TG)["header"]["legal_bases"]) == 4


def test_tuan_giao_every_task_with_its_units_and_deadline():
    assert_tasks(read(TG), TG_TASKS)


def test_tuan_giao_plus_bullets_belong_to_the_task_they_elaborate():
    first = read(TG)["tasks"][0]
    assert "+ Đối với trường hợp có điều kiện" in first["text"]
    assert "+ Đối với trường hợp không có điều kiện" in first["text"]
    assert "nhận chế độ được chi trả" in first["text"]  # the paragraph the OCR cut in two, mended


def test_tuan_giao_campaign_is_quoted_on_the_tasks_it_bounds():
    task = read(TG)["tasks"][0]
    assert task["deadline"]["text"] == "Thời gian thực hiện cao điểm từ ngày 11/3/2024 đến hết ngày 31/3/2024"
