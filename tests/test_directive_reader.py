"""The directive reader (webapp.rules.directive_reader) and the upload text reader
(webapp.rules.document_text): both seed directives and six more in other layouts, read field by
field; random text and mutated seeds never break it; uploads of each kind and each bad kind."""
import io
import re
import os
import time
import unicodedata
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


def test_tasks_carry_the_heading_of_the_section_they_sit_in():
    sections = {t["ref"]: t["section"] for t in read(QT)["tasks"]}
    assert sections["1.1"] == sections["1.5"] == "1. Sở Lao động - Thương binh và Xã hội"  # 1.5 from the closing
    assert sections["3.6"] == "3. UBND các huyện, thị xã, thành phố"
    nested = {t["ref"]: t["section"] for t in read("b_muong_ang_ke_hoach_de_an_06.txt")["tasks"]}
    assert nested["II.2.b"] == "II.2. Cung cấp dịch vụ công trực tuyến"
    assert {t["section"] for t in read("c_quang_ngai_hoa_toc_bao.txt")["tasks"]} == {""}  # no headings


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


# --- (a) Thanh Hóa: topics, each sentence names its lead; header columns run together -----------

A = "a_thanh_hoa_sot_xuat_huyet_theo_chu_de.txt"
COMMUNES = "UBND các xã, phường"
A_TASKS = {
    "1.1": (["Sở Y tế"], [COMMUNES], due("relative_working_days", n=5, from_="receipt"), []),
    "1.2": (["Sở Tài chính"], ["Sở Y tế"], due("fixed", date="2025-12-05", time="14:00"), []),
    "2.1": (["Sở Văn hóa, Thể thao và Du lịch"], ["Báo và Phát thanh, Truyền hình Thanh Hóa", COMMUNES],
            due("ongoing"), []),
    # The same paragraph goes on with another lead: a task of its own.
    "2.2": (["Sở Giáo dục và Đào tạo"], [], due("weekly", weekday=4), []),
    # "chỉ đạo lực lượng Công an các xã, phường phối hợp với trạm y tế": the delegate's partner.
    "3": (["Công an tỉnh"], [], due("daily", time="16:00"), []),
    # Two dates (the campaign within December, the report by the 25th): the later one, flagged.
    "4": ([COMMUNES], [], due("within_month", date="2025-12-31", window=["2025-12-01", "2025-12-31"]),
          ["deadline"]),
    "5": (["Văn phòng UBND tỉnh"], [], due("none"), []),  # "Giao …" after the last section
}


def test_topic_layout_header_columns_run_together_are_split_apart():
    assert_header(read(A), {
        "issuer": "ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "issuer_parent": None, "number": "1523/UBND-VX",
        "date": "2025-11-28", "place": "Thanh Hóa",
        "subject": "V/v triển khai các biện pháp cấp bách phòng, chống dịch sốt xuất huyết trên địa bàn tỉnh",
        "recipients": ["Các sở: Y tế, Tài chính, Giáo dục và Đào tạo, Văn hóa, Thể thao và Du lịch", "Công an tỉnh",
                       "Báo và Phát thanh, Truyền hình Thanh Hóa", COMMUNES],
        "signer": {"authority": "KT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": "Nguyễn Văn Thi"},
    })
    assert read(A)["header"]["legal_bases"] == [
        "Công điện số 15/CĐ-BYT ngày 20/11/2025 của Bộ Y tế về việc tăng cường công tác phòng, chống dịch "
        "sốt xuất huyết", "Văn bản số 4210/SYT-NVY ngày 25/11/2025"]


def test_topic_layout_leads_come_from_each_sentence():
    assert_tasks(read(A), A_TASKS)


def test_a_task_split_from_a_shared_paragraph_keeps_only_its_own_sentences():
    task = next(t for t in read(A)["tasks"] if t["ref"] == "2.2")
    assert task["text"].startswith("Sở Giáo dục và Đào tạo chỉ đạo")
    assert "Văn hóa, Thể thao" not in task["text"]


# --- (b) Mường Ảng: a district plan, Roman sections, "a)" items, "Giao X …" -------------------

B = "b_muong_ang_ke_hoach_de_an_06.txt"
BY_JUNE = due("fixed", date="2025-06-30")
B_TASKS = {
    # "Thời gian hoàn thành: trước ngày 30/6/2025." under heading 1 covers both its items.
    "II.1.a": (["Công an huyện"], ["UBND các xã, thị trấn"], BY_JUNE, []),
    "II.1.b": (["Phòng Lao động - Thương binh và Xã hội"], ["Bảo hiểm xã hội huyện"], BY_JUNE, []),
    "II.2.a": (["Văn phòng HĐND và UBND huyện"], ["Công an huyện"],
               due("within_period", date="2025-09-30", window=["2025-07-01", "2025-09-30"]), []),
    "II.2.b": (["UBND các xã, thị trấn"], [], due("monthly", day=25), []),
    # Funding holds no tasks, but "Giao Phòng Tài chính - Kế hoạch …" there is one.
    "III.1": (["Phòng Tài chính - Kế hoạch"], [], due("none"), []),
    "IV.a": (["Công an huyện"], [], due("fixed", date="2025-12-15"), []),
    # IV.b ("căn cứ chức năng, nhiệm vụ, chủ động triển khai") and IV.c ("nếu có khó khăn,
    # vướng mắc") only urge everyone on: no tasks. Section I (aims) holds none either.
}


def test_plan_header_takes_its_subject_from_the_lines_under_the_title():
    assert_header(read(B), {
        "issuer": "ỦY BAN NHÂN DÂN HUYỆN MƯỜNG ẢNG", "issuer_parent": None, "number": "45/KH-UBND",
        "date": "2025-02-14", "place": "Mường Ảng",
        "subject": "Triển khai thực hiện Đề án 06 và chuyển đổi số trên địa bàn huyện Mường Ảng năm 2025",
        "recipients": [],
        "signer": {"authority": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": "Lò Văn Mạnh"},
    })
    bases = read(B)["header"]["legal_bases"]
    assert [b.split(" ngày")[0] for b in bases] == ["Quyết định số 06/QĐ-TTg", "Kế hoạch số 312/KH-UBND"]


def test_plan_with_roman_sections_and_lettered_items():
    assert_tasks(read(B), B_TASKS)


# --- (c) Quảng Ngãi: a short "hỏa tốc" letter from a department ---------------------------------

C = "c_quang_ngai_hoa_toc_bao.txt"
C_TASKS = {
    "1": (["UBND các xã, phường, đặc khu"], [], due("immediate"), []),
    "2": (["Công ty TNHH MTV Khai thác công trình thủy lợi Quảng Ngãi"], [],
          due("relative_days", n=10, from_="issue"), []),
    "3": (["Chi cục Thủy lợi"], ["Chi cục Trồng trọt và Bảo vệ thực vật"], due("monthly", day=20), []),
    "4": (["Phòng Kế hoạch - Tài chính"], [], due("half_yearly"), []),  # "6 tháng, năm hoặc đột xuất"
}


def test_urgent_letter_header_skips_the_urgency_mark_and_keeps_the_parent_body():
    assert_header(read(C), {
        "issuer": "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "issuer_parent": "UBND TỈNH QUẢNG NGÃI",
        "number": "2871/SNNMT-TL", "date": "2025-10-24", "place": "Quảng Ngãi",
        "subject": "V/v khẩn trương ứng phó, khắc phục hậu quả bão số 12 đối với công trình thủy lợi",
        "recipients": ["UBND các xã, phường, đặc khu", "Chi cục Thủy lợi",
                       "Công ty TNHH MTV Khai thác công trình thủy lợi Quảng Ngãi"],
        "signer": {"authority": "KT. GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "Trần Minh Khoa"},
    })


def test_urgent_letter_numbered_items_with_unit_subjects():
    assert_tasks(read(C), C_TASKS)


# --- (d) Lào Cai after 1/7/2025: province to communes, a campaign for one section only ----------

D = "d_lao_cai_hai_cap_cao_diem_mot_muc.txt"
DEPARTMENTS = "Các sở, ban, ngành tỉnh"
D_CAMPAIGN = ["2025-08-15", "2025-09-30"]
D_TASKS = {
    "1.1": ([DEPARTMENTS], [], due("fixed", date="2025-08-31"), []),
    "1.2": ([DEPARTMENTS], [COMMUNES], due("ongoing"), []),
    "2.1": ([COMMUNES], [], due("within_period", date="2025-09-30", window=D_CAMPAIGN), []),
    "2.2": ([COMMUNES], [], due("weekly", weekday=4, time="16:00", window=D_CAMPAIGN), []),
    # "Chỉ đạo công chức địa chính phối hợp với Văn phòng Đăng ký đất đai": the official's partner.
    "2.3": ([COMMUNES], [], due("within_period", date="2025-09-30", window=D_CAMPAIGN), []),
    "3": (["Sở Nông nghiệp và Môi trường"], ["Công an tỉnh"], due("fixed", date="2025-10-10"), []),
    "4": (["Sở Tài chính"], [], due("none"), []),
    "5": (["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "các tổ chức chính trị - xã hội tỉnh"], [], due("none"), []),
}


def test_two_tier_directive_addressed_to_communes_and_departments():
    result = read(D)
    assert_header(result, {
        "issuer": "ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "number": "512/UBND-NC", "date": "2025-08-05",
        "recipients": [DEPARTMENTS, COMMUNES],
        "signer": {"authority": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH",
                   "name": "Hoàng Quốc Khánh"},
    })
    assert_tasks(result, D_TASKS)


def test_a_campaign_stated_in_one_section_bounds_only_that_sections_tasks():
    tasks = {t["ref"]: t for t in read(D)["tasks"]}
    assert tasks["2.1"]["deadline"]["text"] == "Thời gian thực hiện cao điểm: từ ngày 15/8/2025 đến hết ngày 30/9/2025"
    assert tasks["4"]["deadline"]["window"] is None and tasks["1.2"]["deadline"]["window"] is None


# --- (e) a web copy: HTML and markdown noise, no numbering, signature beside the copies ---------

E = "e_web_copy_khong_danh_so.txt"
CDC = "Trung tâm Kiểm soát bệnh tật tỉnh"
E_TASKS = {
    "1": ([CDC], ["Trạm Y tế các xã, phường"], due("fixed", date="2025-10-15"), []),
    "2": ([CDC], [], due("weekly", weekday=3, time="15:00"), []),
}


def test_web_copy_without_numbering_is_read_sentence_by_sentence():
    result = read(E)
    assert_header(result, {
        "issuer": "SỞ Y TẾ", "issuer_parent": "UBND TỈNH GIA LAI", "number": "1907/SYT-NVY",
        "date": "2025-09-16", "place": "Gia Lai", "recipients": [CDC],
        "copies": ["Như trên", "Giám đốc Sở (b/c)", "Lưu: VT, NVY"],
        "signer": {"authority": "KT. GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "Nguyễn Thị Lan Anh"},
    })
    assert_tasks(result, E_TASKS)


# --- No task where there is none -----------------------------------------------------------------

def test_a_notice_has_no_tasks():
    result = read("notice_dien_bien_lich_tiep_cong_dan.txt")
    assert result["tasks"] == []
    assert result["header"]["subject"] == "Lịch tiếp công dân định kỳ của Chủ tịch UBND tỉnh tháng 9 năm 2025"
    assert result["header"]["legal_bases"][0] == "Luật Tiếp công dân ngày 25/11/2013"


@pytest.mark.parametrize("text", ["", "   \n\n", "Kính gửi:", "1.", "- ", "Nơi nhận:", "Số:", "V/v"])
def test_empty_or_fragmentary_text_gives_an_empty_reading(text):
    result = read_directive(text)
    assert result["tasks"] == []
    assert set(result["header"]) == {"issuer", "issuer_parent", "number", "date", "place", "subject",
                                     "legal_bases", "recipients", "copies", "signer"}


def test_every_key_is_present_on_every_task():
    for name in (QT, TG, A, B, C, D, E):
        for task in read(name)["tasks"]:
            assert set(task) == {"ref", "section", "text", "source", "lead", "cooperating", "deadline", "guesses"}
            assert set(task["deadline"]) == set(DEADLINE_FIELDS) | {"text"}


# --- Whatever comes in, the reader answers, and soon ---------------------------------------------

ALL_DOCUMENTS = sorted(p.name for p in DIRECTIVES.glob("*.txt"))
VIETNAMESE = ("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữự"
              "ýỳỷỹỵAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXYĐỦỨỰỆ0123456789 .,;:-–+()/\n\t*#“”\"'")
WORDS = ["Sở", "Y tế", "UBND", "các", "huyện", "xã,", "phường", "chủ trì,", "phối hợp với", "chỉ đạo", "Giao",
         "trước ngày", "15/01/2024", "hằng tuần", "thứ tư", "trước 14 giờ", "trong tháng 01/2024", "ngay",
         "thường xuyên", "Kính gửi:", "Nơi nhận:", "- ", "+ ", "1.", "II.", "a)", "\n", "\n\n", ":", ".", ";",
         "Thời gian thực hiện từ ngày 11/3/2024 đến hết ngày 31/3/2024", "Bưu điện", "Công an", "tỉnh",
         "KT. CHỦ TỊCH", "Số: 12/UBND-VX", "Quảng Trị, ngày 05 tháng 01 năm 2024", "V/v", "trong quý III/2025",
         "kể từ ngày nhận được văn bản", "trong vòng 10 ngày", "6 tháng, năm", "Tổ Công tác Đề án 06", "(", ")",
         "\nTT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian\n", "\t", "I\t", "Quý IV/2025\n"]
SHAPE = {"header", "tasks"}


def assert_well_formed(result: dict) -> None:
    assert set(result) == SHAPE
    refs = [task["ref"] for task in result["tasks"]]
    assert len(refs) == len(set(refs))
    for task in result["tasks"]:
        assert task["deadline"]["kind"] in {
            "fixed", "within_month", "within_period", "relative_working_days", "relative_days", "immediate",
            "ongoing", "daily", "weekly", "monthly", "quarterly", "half_yearly", "yearly", "none"}
        assert isinstance(task["lead"], list) and isinstance(task["cooperating"], list)


def timed_read(text: str) -> dict:
    started = time.perf_counter()
    result = read_directive(text)
    assert time.perf_counter() - started < 5, "the reader took too long"
    return result


# READER_EXAMPLES=3000 for a longer hunt; no example database is written.
PROPERTY = settings(max_examples=int(os.environ.get("READER_EXAMPLES", "150")), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.text(alphabet=VIETNAMESE, max_size=4000))
def test_random_text_never_breaks_the_reader(text):
    assert_well_formed(timed_read(text))


@PROPERTY
@given(st.lists(st.sampled_from(WORDS), max_size=600).map(" ".join))
def test_random_directive_words_never_break_the_reader(text):
    assert_well_formed(timed_read(text))


@st.composite
def mutated_documents(draw):
    text = (DIRECTIVES / draw(st.sampled_from(ALL_DOCUMENTS))).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 6))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, min(len(text), a + 2000)))
        operation = draw(st.sampled_from(["delete", "duplicate", "insert", "newline", "upper", "swap"]))
        if operation == "delete":
            text = text[:a] + text[b:]
        elif operation == "duplicate":
            text = text[:b] + text[a:b] + text[b:]
        elif operation == "insert":
            text = text[:a] + draw(st.sampled_from(WORDS + ["\x00", "\ufeff", "İ", "ﬁ", "🙂", "\u0301"])) + text[a:]
        elif operation == "newline":
            text = text[:a] + "\n" + text[a:]
        elif operation == "upper":
            text = text[:a] + text[a:b].upper() + text[b:]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@PROPERTY
@given(mutated_documents())
def test_mutated_seeds_never_break_the_reader(text):
    assert_well_formed(timed_read(text))


@pytest.mark.parametrize("text", [
    "Sở Y tế chủ trì, phối hợp với Sở Tài chính, UBND các huyện, thị xã, thành phố - " * 5000,
    "1. Sở Y tế:\n" + "- Chủ trì, phối hợp với Sở Tài chính thực hiện trước ngày 15/01/2024.\n" * 8000,
    "Sở Y và " * 60000,
    "UBND các xã" + ", xã" * 80000,
    "Sở Y tế báo cáo. " * 30000,
    "a" * 2_000_000,
], ids=["one-huge-paragraph", "thousands-of-bullets", "endless-list", "endless-group", "endless-closing",
        "two-million-characters"])
def test_hostile_text_is_read_in_bounded_time(text):
    started = time.perf_counter()
    assert_well_formed(read_directive(text))
    assert time.perf_counter() - started < 30


# --- Uploads: .docx, .pdf, .txt, and what is refused ------------------------------------------------

from webapp.rules.document_text import (  # noqa: E402
    MAX_BYTES,
    SCANNED_PDF,
    DocumentError,
    text_from_upload,
)


def docx_bytes(build) -> bytes:
    import docx
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def minimal_pdf(content: bytes, resources: bytes = b"<< /Font << /F1 4 0 R >> >>", extra: list = ()) -> bytes:
    """A small valid PDF written by hand: one A4 page with the given content stream."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + resources + b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *extra,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_with_text(lines: list[str]) -> bytes:
    ops = [b"BT /F1 11 Tf 14 TL 56 780 Td"]
    for line in lines:
        ops.append(b"(" + line.encode("ascii").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj T*")
    ops.append(b"ET")
    return minimal_pdf(b"\n".join(ops))


def scanned_pdf() -> bytes:
    """A page that is only a picture (a grey 2 x 2 image), as a scanner makes it."""
    image = (b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
             b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x80\x90\xa0\xb0\nendstream")
    return minimal_pdf(b"q 500 0 0 700 40 60 cm /Im0 Do Q", resources=b"<< /XObject << /Im0 6 0 R >> >>",
                       extra=[image])


def cp1258_bytes(text: str) -> bytes:
    """Text as Windows Vietnamese (cp1258) stores it: letters with horn, breve or circumflex are
    precomposed, tone marks are combining characters."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        letter = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(letter + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_docx_paragraphs_and_table_cells_come_in_document_order():
    def build(document):
        header = document.add_table(rows=1, cols=2)
        header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ"
        header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        document.add_paragraph("Số: 12/UBND-VX")
        document.add_paragraph("1. Sở Y tế chủ trì, phối hợp với Sở Tài chính rà soát, hoàn thành trước ngày "
                               "15/01/2025.")
        merged = document.add_table(rows=2, cols=2)
        merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Ô gộp"
        merged.cell(1, 0).text = "Nơi nhận:"
        merged.cell(1, 1).text = "KT. CHỦ TỊCH"
    text = text_from_upload("cong-van.docx", docx_bytes(build))
    order = ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG TRỊ", "CỘNG HÒA", "Số: 12/UBND-VX", "1. Sở Y tế", "Ô gộp", "Nơi nhận:",
             "KT. CHỦ TỊCH"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert text.count("Ô gộp") == 1  # a merged cell once
    assert unicodedata.is_normalized("NFC", text)


def test_docx_upload_can_be_read_as_a_directive():
    def build(document):
        for line in (DIRECTIVES / C).read_text(encoding="utf-8").splitlines():
            document.add_paragraph(line)
    result = read_directive(text_from_upload("hoa-toc.DOCX", docx_bytes(build)))
    assert [t["ref"] for t in result["tasks"]] == list(C_TASKS)
    assert result["header"]["number"] == "2871/SNNMT-TL"


def test_pdf_with_a_text_layer_is_read():
    data = pdf_with_text(["UBND TINH QUANG TRI", "1. So Y te chu tri, phoi hop voi So Tai chinh.",
                          "Hoan thanh truoc ngay 15/01/2025."])
    text = text_from_upload("van-ban.pdf", data)
    assert "UBND TINH QUANG TRI" in text and "15/01/2025" in text
    assert text.index("UBND") < text.index("So Y te") < text.index("Hoan thanh")


def test_scanned_pdf_without_a_text_layer_is_refused_in_vietnamese():
    with pytest.raises(DocumentError) as refused:
        text_from_upload("ban-quet.pdf", scanned_pdf())
    assert str(refused.value) == SCANNED_PDF


def test_pdf_with_too_many_pages_is_refused():
    from pypdf import PdfWriter
    writer = PdfWriter()
    for _ in range(201):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DocumentError, match="quá nhiều trang"):
        text_from_upload("dai.pdf", out.getvalue())


def test_txt_in_windows_1258_is_decoded_and_normalised():
    original = "Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với Bưu điện tỉnh; hoàn thành ngay."
    data = cp1258_bytes(original)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert text_from_upload("cong-van.txt", data) == original


@pytest.mark.parametrize("data", [
    "Kính gửi: Sở Y tế.".encode("utf-8"), "\ufeffKính gửi: Sở Y tế.".encode("utf-8"),
    "Kính gửi: Sở Y tế.".encode("utf-16"), unicodedata.normalize("NFD", "Kính gửi: Sở Y tế.").encode("utf-8"),
], ids=["utf-8", "utf-8-bom", "utf-16", "utf-8-decomposed"])
def test_txt_in_unicode_is_read_as_nfc(data):
    assert text_from_upload("a.txt", data) == "Kính gửi: Sở Y tế."


def test_corrupt_docx_is_refused_clearly():
    for data in (b"PK\x03\x04 not really a zip", b"plain text renamed", zipfile_bytes({"hello.txt": b"x"})):
        with pytest.raises(DocumentError, match="bị hỏng hoặc không phải là tệp Word"):
            text_from_upload("hong.docx", data)


def test_docx_whose_xml_is_broken_is_refused_clearly():
    with pytest.raises(DocumentError, match="bị hỏng"):
        text_from_upload("hong.docx", zipfile_bytes({"[Content_Types].xml": b"<Types",
                                                     "word/document.xml": b"<w:document"}))


def test_docx_that_unpacks_to_a_bomb_is_refused_quickly():
    bomb = zipfile_bytes({"word/document.xml": b"<" + b"a" * (40 * 1024 * 1024)})
    assert len(bomb) < MAX_BYTES
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="quá lớn"):
        text_from_upload("bom.docx", bomb)
    assert time.perf_counter() - started < 5


def test_oversized_file_is_refused_before_reading():
    with pytest.raises(DocumentError, match="quá lớn: tối đa 10 MB"):
        text_from_upload("to.txt", b"a" * (MAX_BYTES + 1))


@pytest.mark.parametrize("filename,data,words", [
    ("rong.txt", b"", "rỗng"),
    ("trang.txt", b"   \n\t 123 \n", "không có chữ"),
    ("anh.png", b"\x89PNG\r\n\x1a\n", ".docx, .pdf hoặc .txt"),
    ("khong-duoi", b"abc", ".docx, .pdf hoặc .txt"),
    ("cu.doc", b"\xd0\xcf\x11\xe0", ".doc (Word 97-2003)"),
    ("gia.pdf", b"<html>not a pdf</html>", "không phải là tệp PDF"),
    ("hong.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "không đọc được"),
    ("nhi-phan.txt", b"MZ\x90\x00\x03\x00\x00\x00", "nhị phân"),
], ids=["empty", "no-letters", "picture", "no-extension", "old-word", "not-a-pdf", "broken-pdf", "binary-txt"])
def test_unreadable_uploads_are_refused_with_a_vietnamese_message(filename, data, words):
    with pytest.raises(DocumentError) as refused:
        text_from_upload(filename, data)
    assert words in str(refused.value)


def zipfile_bytes(entries: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


# --- (f) Hà Tĩnh: a chỉ thị whose headings name people's titles and carry their own deadline ------

F = "f_ha_tinh_chi_thi_chuc_danh.txt"
F_DEPARTMENTS = ["các sở", "các ban, ngành cấp tỉnh"]  # "Giám đốc các sở, Thủ trưởng các ban, ngành …"
F_TASKS = {
    "1.a": (F_DEPARTMENTS, [], due("within_month", date="2025-10-31", window=["2025-10-01", "2025-10-31"]), []),
    "1.b": (F_DEPARTMENTS, [], due("within_period", date="2025-12-31", window=["2025-10-01", "2025-12-31"]), []),
    "2.a": (["Công an tỉnh"], ["Sở Xây dựng", "Sở Công Thương"], due("none"), []),
    # "định kỳ 6 tháng (trước ngày 15/6) và năm (trước ngày 15/12)": the dates of a recurrence.
    "2.b": (["Công an tỉnh"], [], due("half_yearly"), []),
    "3.1": (["Sở Tài chính"], ["Công an tỉnh"], due("fixed", date="2025-10-31"), []),  # from the heading
    "4.1": ([COMMUNES], [], due("monthly", day=25), []),
    "4.2": ([COMMUNES], [], due("ongoing"), ["deadline"]),  # "duy trì"
    "5": (["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"], [], due("none"), []),
    # "… chịu trách nhiệm trước Chủ tịch UBND tỉnh nếu để xảy ra cháy, nổ": accountability, no task.
}


def test_directive_whose_headings_name_titles_and_carry_deadlines():
    result = read(F)
    assert_header(result, {"issuer": "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "number": "14/CT-UBND", "date": "2025-10-09",
                           "subject": "Về tăng cường công tác phòng cháy, chữa cháy trong mùa hanh khô năm 2025 - 2026",
                           "signer": {"authority": None, "title": "CHỦ TỊCH", "name": "Trần Văn Hùng"}})
    assert_tasks(result, F_TASKS)


# --- (g) An Giang: a plan whose tasks sit in a table in its appendix ----------------------------------

G = "g_an_giang_phu_luc_bang_nhiem_vu.txt"
ICT_CENTRE = "Trung tâm Công nghệ thông tin và Truyền thông"
G_TASKS = {
    # Section II only points to the appendix; III.2 only urges: neither is a task.
    "III.1": (["Văn phòng Sở"], [], due("fixed", date="2025-12-10"), []),
    "PL.I.1": ([ICT_CENTRE], ["Văn phòng Sở"], due("within_period", date="2025-12-31",
                                                   window=["2025-10-01", "2025-12-31"]), []),
    "PL.I.2": (["Văn phòng Sở"], ["Phòng Kế hoạch - Tài chính"], due("fixed", date="2025-11-30"), []),
    "PL.II.1": (["Phòng Quản lý khoa học"], [ICT_CENTRE, "Các phòng, đơn vị thuộc Sở"],
                due("within_month", date="2025-12-31", window=["2025-12-01", "2025-12-31"]), []),
    "PL.II.2": ([ICT_CENTRE], [], due("monthly"), []),
}


def test_tasks_listed_in_an_appendix_table_are_read_row_by_row():
    assert_tasks(read(G), G_TASKS)


def test_a_task_table_in_a_docx_upload_comes_through_as_tasks():
    def build(document):
        document.add_paragraph("Số: 7/KH-UBND")
        document.add_paragraph("Thực hiện Kế hoạch số 12/KH-UBND ngày 02/01/2025 của UBND tỉnh, "
                               "UBND xã ban hành Kế hoạch:")
        table = document.add_table(rows=3, cols=5)
        for row, values in zip(table.rows, [
                ("TT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"),
                ("1", "Rà soát hộ nghèo", "Công chức Văn hóa - Xã hội", "Các thôn, bản", "Quý III/2025"),
                ("2", "Tuyên truyền chính sách", "Đài Truyền thanh xã", "", "Thường xuyên")]):
            for cell, value in zip(row.cells, values):
                cell.text = value
    result = read_directive(text_from_upload("ke-hoach.docx", docx_bytes(build)))
    assert [(t["ref"], t["lead"], t["cooperating"], t["deadline"]["kind"]) for t in result["tasks"]] == [
        ("1", ["Công chức Văn hóa - Xã hội"], ["Các thôn, bản"], "within_period"),
        ("2", ["Đài Truyền thanh xã"], [], "ongoing")]


def test_the_reader_is_pure_and_the_upload_reader_needs_only_docx_and_pypdf():
    import ast
    import sys
    rules = Path(__file__).resolve().parents[1] / "webapp" / "rules"
    files = [*sorted((rules / "directive_reader").glob("*.py")), rules / "document_text.py"]
    for path in files:
        allowed = set(sys.stdlib_module_names) | ({"docx", "pypdf"} if path.name == "document_text.py" else set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [node.module.split(".")[0]]
            else:
                continue
            assert set(roots) <= allowed, (path.name, roots)


# --- (h) a PDF or web copy: header phrases broken over lines, table pipes, no "Nơi nhận" label ------

H = "h_pdf_web_header_vo.txt"
H_TASKS = {
    "1.a": (["Sở Nông nghiệp và Môi trường"], [], due("daily", time="16:00"), []),  # Kiểm lâm's partner
    "1.b": (["Sở Nông nghiệp và Môi trường"], ["Bộ Chỉ huy Quân sự tỉnh"], due("fixed", date="2025-03-31"), []),
    "2": (["Sở Tài chính"], [], due("within_month", date="2025-04-30", window=["2025-04-01", "2025-04-30"]), []),
    "3.1": ([COMMUNES], [], due("ongoing"), []),
    "3.2": ([COMMUNES], [], due("fixed", date="2025-03-25"), []),
}


def test_header_broken_over_lines_and_table_pipes_from_a_web_copy():
    result = read(H)
    assert_header(result, {
        "issuer": "UỶ BAN NHÂN DÂN TỈNH KON TUM", "issuer_parent": None, "number": "25/CT-UBND",
        "date": "2025-03-17", "place": "Kon Tum",
        "subject": "VỀ VIỆC TĂNG CƯỜNG CÔNG TÁC QUẢN LÝ, BẢO VỆ RỪNG VÀ PHÒNG CHÁY, CHỮA CHÁY RỪNG MÙA KHÔ NĂM 2025",
        "copies": ["Như Điều 3", "Lưu: VT, NNMT"],
        "signer": {"authority": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": "Y Ngọc"},
    })
    assert_tasks(result, H_TASKS)


# --- (i) a commune's decision with its plan attached after the signature ------------------------------

I = "i_quyet_dinh_kem_ke_hoach.txt"
I_TASKS = {
    # "Điều 3. … chịu trách nhiệm thi hành Quyết định này" is no task; the plan below the
    # signature holds the tasks.
    "II.1": (["Phòng Kinh tế"], ["Công an xã"], due("fixed", date="2025-09-20"), []),
    "II.2": (["Phòng Văn hóa - Xã hội"], [], due("ongoing"), []),
    "II.3": (["Công an xã"], ["Ban Chỉ huy Quân sự xã"], due("none"), []),
    # Everyone is told to report by a date: a task, though its lead is everyone.
    "III.1": (["Các cơ quan, đơn vị"], [], due("fixed", date="2025-12-15"), []),
}


def test_a_decision_whose_tasks_are_in_the_plan_attached_below_the_signature():
    result = read(I)
    assert_header(result, {
        "issuer": "ỦY BAN NHÂN DÂN XÃ MƯỜNG PHĂNG", "number": "112/QĐ-UBND", "date": "2025-09-02",
        "subject": "Ban hành Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2025",
        "copies": ["Như Điều 3", "UBND tỉnh (b/c)", "Lưu: VT"],
        "signer": {"authority": None, "title": "CHỦ TỊCH", "name": "Lò Văn Chung"},
    })
    assert_tasks(result, I_TASKS)


# --- (j) a letter to one unit whose numbered points name no subject; an invitation -----------------

J = "j_gui_mot_don_vi_khong_chu_ngu.txt"
J_TASKS = {
    # The points are the addressee's duties, but the text does not say so: the lead is a guess.
    "1": (["Sở Tài chính"], [], due("fixed", date="2025-10-20"), ["lead"]),
    "2": (["Sở Tài chính"], ["Kho bạc Nhà nước khu vực X"], due("weekly", weekday=4, time="16:00"), ["lead"]),
    # "Sở Tài chính triển khai thực hiện./." closes the letter: no task.
}


def test_a_letter_to_one_unit_gives_it_the_points_that_name_nobody_as_a_guess():
    assert_tasks(read(J), J_TASKS)


def test_an_invitation_has_no_tasks():
    result = read("notice_giay_moi_hop.txt")
    assert result["tasks"] == []
    assert result["header"]["subject"] == "Họp triển khai công tác chuyển đổi số tháng 11 năm 2025"
    assert result["header"]["recipients"] == ["Công an xã", "Các phòng chuyên môn thuộc UBND xã",
                                              "Trưởng các thôn, bản"]


# --- (k) a plan whose items label their lead, partners and deadline on lines of their own ---------

K = "k_ke_hoach_nhan_truong.txt"
K_TASKS = {
    "I.1": ([COMMUNES], ["Sở Nông nghiệp và Môi trường", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"],
            due("fixed", date="2025-10-15"), []),
    "I.2": (["Sở Tài chính"], ["Sở Xây dựng", COMMUNES],
            due("within_period", date="2025-12-31", window=["2025-10-01", "2025-12-31"]), []),
    "I.3": (["Báo và Phát thanh, Truyền hình Tuyên Quang"], [], due("ongoing"), []),  # labels inline
    "II.1": (["Sở Xây dựng"], [], due("monthly", day=25), []),
}


def test_items_that_label_their_lead_partners_and_deadline():
    result = read(K)
    assert_tasks(result, K_TASKS)
    first = result["tasks"][0]
    assert first["text"] == "Rà soát, lập danh sách hộ nghèo, hộ cận nghèo có nhà tạm, nhà dột nát"
    assert "Cơ quan chủ trì: UBND các xã, phường." in first["source"]


# --- Word's own list numbers and bullets, which are not in the paragraphs' text -------------------

def numbered_docx(paragraphs: list[tuple[int | None, str]]) -> bytes:
    """A .docx whose paragraphs (level, text) are items of one Word list: level 0 numbered "1.", level 1
    lettered "a)", level 2 bulleted; None: an ordinary paragraph."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def build(document):
        numbering = document.part.numbering_part.element
        numbering.insert(0, parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>'
            '</w:abstractNum>'))
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
        for level, text in paragraphs:
            paragraph = document.add_paragraph(text)
            if level is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = level
                num_pr.get_or_add_numId().val = 90
    return docx_bytes(build)


def test_docx_list_numbers_and_bullets_come_before_their_paragraphs():
    text = text_from_upload("ds.docx", numbered_docx([
        (0, "Sở Y tế:"), (1, "Rà soát"), (2, "chi tiết"), (1, "Báo cáo"), (None, "Đoạn thường"), (0, "Sở Tài chính:"),
        (1, "Thẩm định")]))
    assert text.splitlines() == ["1. Sở Y tế:", "a) Rà soát", "- chi tiết", "b) Báo cáo", "Đoạn thường",
                                 "2. Sở Tài chính:", "a) Thẩm định"]


def roman_docx(start: str) -> bytes:
    """A .docx of two items of a lowerRoman list whose first number is `start` (as the file says it)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def build(document):
        numbering = document.part.numbering_part.element
        numbering.insert(0, parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
            '<w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'))
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
        for text in ("Sở Y tế rà soát", "Sở Tài chính thẩm định"):
            num_pr = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = 91
    return docx_bytes(build)


def test_a_list_starting_at_a_huge_number_is_clamped_as_word_clamps_it():
    """A list starting near 10^12 once made the Roman numeral routine run for ever."""
    assert text_from_upload("ds.docx", roman_docx("4")).splitlines() == ["iv. Sở Y tế rà soát", "v. Sở Tài chính thẩm định"]
    for start in ("40000", str(10**12), "-5"):
        first, second = text_from_upload("ds.docx", roman_docx(start)).splitlines()
        assert len(first.split(".")[0]) <= len("mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmdcclxvii")
        assert first.endswith("Sở Y tế rà soát") and second.endswith("Sở Tài chính thẩm định")
    first, _ = text_from_upload("ds.docx", roman_docx("40000")).splitlines()
    assert first == "m" * 32 + "dcclxvii. Sở Y tế rà soát"  # 32767, the largest start Word allows


def test_quang_tri_typed_in_word_with_automatic_numbering_reads_as_its_text():
    """The seed as Word keeps it when "1." and "-" are list formatting: the same tasks as the text."""
    paragraphs = []
    for line in (DIRECTIVES / QT).read_text(encoding="utf-8").splitlines():
        numbered = re.match(r"^(\d)\. (.*)$", line)
        if numbered:
            paragraphs.append((0, numbered.group(2)))
        elif line.startswith("- "):
            paragraphs.append((2, line[2:]))
        else:
            paragraphs.append((None, line))
    assert_tasks(read_directive(text_from_upload("qt.docx", numbered_docx(paragraphs))), QT_TASKS)


# --- (l) a conclusion notice: "Giao X chủ trì …" points among points that are no tasks ------------

L = "l_thong_bao_ket_luan_giao.txt"
L_TASKS = {
    # 1 (an appraisal) and 5 ("Đồng ý chủ trương …") give nobody a duty.
    "2": (["Sở Tài chính"], ["Kho bạc Nhà nước khu vực X"], due("fixed", date="2025-11-30"), []),
    "3": (["Sở Xây dựng"], [COMMUNES], due("weekly", weekday=4), []),  # "hằng tuần vào thứ Sáu": no time
    "4": (["Sở Khoa học và Công nghệ"], [], due("within_month", date="2025-12-31",
                                               window=["2025-12-01", "2025-12-31"]), []),
    # "chịu trách nhiệm trước UBND tỉnh" alone is no task; its monthly report is.
    "6": (["Các chủ đầu tư"], [], due("monthly", day=25), []),
    "7": (["Văn phòng UBND tỉnh"], [], due("none"), []),
}


def test_a_conclusion_notice_gives_the_points_that_hand_a_duty_to_someone():
    result = read(L)
    assert_header(result, {"issuer": "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", "number": "845/TB-UBND", "date": "2025-11-21",
                           "recipients": [], "signer": {"authority": "TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG",
                                                        "title": "PHÓ CHÁNH VĂN PHÒNG", "name": "Nguyễn Thị Minh"}})
    assert result["header"]["subject"].startswith("Kết luận của đồng chí Phó Chủ tịch UBND tỉnh tại cuộc họp")
    assert_tasks(result, L_TASKS)


# --- (m) a công điện: header on two columns of one line, "… điện:" naming its addressees -------------

M = "m_cong_dien_chu_tich.txt"
M_COMMUNES = "UBND các xã, phường"
M_TASKS = {
    "1.a": ([M_COMMUNES], [], due("fixed", date="2025-10-28", time="17:00"), []),
    "1.b": ([M_COMMUNES], [], due("none"), []),
    "1.c": ([M_COMMUNES], [], due("daily", time="15:00"), []),
    "2": (["Sở Nông nghiệp và Môi trường"], [], due("daily", time="16:00"), []),
    "3": (["Sở Giáo dục và Đào tạo"], [], due("ongoing"), []),            # "ngay khi có nguy cơ"
    "4": (["Bộ Chỉ huy Quân sự tỉnh", "Công an tỉnh"], [], due("ongoing"), []),  # "khi có yêu cầu"
    "5": (["Sở Y tế"], [], due("none"), []),
}


def test_an_urgent_telegram_reads_its_addressees_and_its_points():
    result = read(M)
    assert_header(result, {
        "issuer": "ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH", "number": "12/CĐ-UBND", "date": "2025-10-27", "place": "Quảng Bình",
        "subject": "Về việc chủ động ứng phó với mưa lũ lớn trên địa bàn tỉnh",
        "recipients": ["Chủ tịch UBND các xã, phường",
                       "Giám đốc các sở: Nông nghiệp và Môi trường, Xây dựng, Y tế, Giáo dục và Đào tạo",
                       "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", "Giám đốc Công an tỉnh"],
        "signer": {"authority": "KT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": "Phan Mạnh Hùng"}})
    assert_tasks(result, M_TASKS)


# --- (n) a commune's letter to several addressees whose points name nobody ---------------------------

N = "n_xa_hai_cap_de_nghi_cac_don_vi.txt"
N_ADDRESSEES = ["Phòng Văn hóa - Xã hội", "Công an xã", "các thôn, bản"]  # "Trưởng các thôn, bản": its units
N_TASKS = {
    "1": (N_ADDRESSEES, [], due("fixed", date="2025-11-25"), ["lead"]),
    # "kể từ ngày có kết quả rà soát": counted from an event of its own, taken as receipt (a guess).
    "2": (N_ADDRESSEES, [], due("relative_working_days", n=7, from_="receipt"), ["lead", "deadline"]),
    "3": (N_ADDRESSEES, [], due("monthly", day=5), ["lead"]),
    "4": (["Công an xã"], ["Phòng Văn hóa - Xã hội"], due("fixed", date="2025-11-30"), []),  # "Ngoài ra, giao …"
}


def test_points_that_name_nobody_are_the_addressees_duties_as_a_guess():
    result = read(N)
    assert_tasks(result, N_TASKS)
    # The issuer speaking after the reference ("…, UBND xã đề nghị các đơn vị:") is not part of it.
    assert result["header"]["legal_bases"] == [
        "Kế hoạch số 156/KH-UBND ngày 20/10/2025 của UBND tỉnh Tuyên Quang về rà soát hộ nghèo, hộ cận nghèo năm 2025"]


# --- (o) a plan copied from a web page: markdown, a pipe table whose group rows leave cells blank ----

O = "o_ke_hoach_bang_web_pipe.txt"
CDC_GL = "Trung tâm Kiểm soát bệnh tật tỉnh"
O_TASKS = {
    # I (aims) holds none; II only points to the appendix; III.2 only urges.
    "III.1": ([CDC_GL], [], due("monthly", day=10), []),
    "PL.I.1": ([CDC_GL], ["Phòng Nghiệp vụ Y"], due("within_month", date="2026-01-31",
                                                   window=["2026-01-01", "2026-01-31"]), []),
    "PL.I.2": (["Trạm Y tế các xã, phường"], [CDC_GL], due("monthly"), []),
    "PL.II.1": (["Phòng Nghiệp vụ Y"], ["Thanh tra Sở"], due("within_period", date="2026-06-30",
                                                             window=["2026-04-01", "2026-06-30"]), []),
    # "30/6/2026 và 15/12/2026": two dates; the later one, flagged.
    "PL.II.2": ([CDC_GL], [], due("fixed", date="2026-12-15"), ["deadline"]),
}


def test_a_web_copied_plan_with_its_title_apart_from_its_subject_and_a_pipe_table():
    result = read(O)
    assert_header(result, {"issuer": "SỞ Y TẾ", "issuer_parent": "ỦY BAN NHÂN DÂN TỈNH GIA LAI", "number": "98/KH-SYT",
                           "date": "2025-12-10", "subject": "Triển khai tiêm chủng mở rộng năm 2026",
                           "signer": {"authority": "KT. GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "Trần Quốc Bảo"}})
    assert_tasks(result, O_TASKS)
