"""Demo data: the two seed directives as DESIGN.md splits them, their units and demo users.

The demo joins two real directives from two provinces (Quảng Trị; Tuần Giáo in Điện Biên), so the
demo leader `lanhdao` sits on a top unit above both in order to follow both.

By default the demo lives in today's dates: each directive keeps its own wording, but its dates (2024)
move by whole weeks so that the Quảng Trị directive was issued about three weeks before `now` and
Tuần Giáo's campaign is in its second week; what would happen after `now` has not happened yet.
`original_dates=True` loads the directives' own 2024 dates and their whole demo history.
"""
import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import io

from openpyxl import Workbook

from . import seed_two_tier
from .core import cooperation, figures, followup, occurrences, targets
from .core import indicators as sets
from .core.assignments import post_update
from .core.directives import save_task
from .core.units import create_unit
from .core.users import create_user
from .db import database
from .core.uploads import store_evidence
from .models import (
    Assignment,
    Cooperation,
    Directive,
    Occurrence,
    Task,
    Unit,
)
from .rules import deadlines as dl
from .rules.progress import AWAITING
from .core.work_calendar import current_calendar

QT_DISTRICTS = [  # (UBND name, place name)
    ("UBND thành phố Đông Hà", "thành phố Đông Hà"),
    ("UBND thị xã Quảng Trị", "thị xã Quảng Trị"),
    ("UBND huyện Gio Linh", "huyện Gio Linh"),
    ("UBND huyện Vĩnh Linh", "huyện Vĩnh Linh"),
    ("UBND huyện Cam Lộ", "huyện Cam Lộ"),
    ("UBND huyện Hải Lăng", "huyện Hải Lăng"),
    ("UBND huyện Triệu Phong", "huyện Triệu Phong"),
    ("UBND huyện Đakrông", "huyện Đakrông"),
    ("UBND huyện Hướng Hóa", "huyện Hướng Hóa"),
]
TUAN_GIAO_COMMUNES = [
    "thị trấn Tuần Giáo", "xã Quài Cang", "xã Quài Nưa", "xã Quài Tở", "xã Chiềng Sinh",
    "xã Chiềng Đông", "xã Tỏa Tình", "xã Tênh Phông", "xã Mường Thín", "xã Nà Tòng", "xã Pú Nhung",
    "xã Rạng Đông", "xã Phình Sáng", "xã Ta Ma", "xã Mường Mùn", "xã Pú Xi", "xã Mùn Chung",
    "xã Mường Khong", "xã Nà Sáy",
]
TELECOMS = ["VNPT Điện Biên", "Viettel Điện Biên", "MobiFone Điện Biên"]

# Communes (before the 2025 reorganisation) of the two districts whose targets the demo splits.
COMMUNES = {
    "UBND huyện Gio Linh": [
        "thị trấn Gio Linh", "thị trấn Cửa Việt", "xã Gio An", "xã Gio Châu", "xã Gio Hải", "xã Gio Mai",
        "xã Gio Mỹ", "xã Gio Quang", "xã Gio Sơn", "xã Gio Việt", "xã Hải Thái", "xã Linh Hải",
        "xã Linh Trường", "xã Phong Bình", "xã Trung Giang", "xã Trung Hải", "xã Trung Sơn",
    ],
    "UBND thành phố Đông Hà": [
        "Phường 1", "Phường 2", "Phường 3", "Phường 4", "Phường 5", "phường Đông Giang",
        "phường Đông Lễ", "phường Đông Lương", "phường Đông Thanh",
    ],
}

# Phụ lục 01 of the Quảng Trị directive, 2024: per district, (total, Q1..Q4) for người có công and
# for đối tượng bảo trợ xã hội. The quarters are increments.
APPENDIX_01 = [
    ("UBND thành phố Đông Hà", (1912, 96, 191, 287, 382), (3260, 163, 326, 489, 652)),
    ("UBND thị xã Quảng Trị", (1151, 58, 115, 173, 230), (1178, 59, 118, 177, 236)),
    ("UBND huyện Gio Linh", (2391, 72, 167, 191, 287), (6815, 204, 477, 545, 818)),
    ("UBND huyện Vĩnh Linh", (3015, 90, 211, 241, 362), (6505, 195, 455, 520, 781)),
    ("UBND huyện Cam Lộ", (987, 30, 69, 79, 118), (3378, 101, 236, 270, 405)),
    ("UBND huyện Hải Lăng", (2419, 73, 169, 194, 290), (7510, 225, 526, 601, 901)),
    ("UBND huyện Triệu Phong", (2957, 89, 207, 237, 355), (8101, 243, 567, 648, 972)),
    ("UBND huyện Đakrông", (967, 10, 29, 39, 68), (3601, 36, 108, 144, 252)),
    ("UBND huyện Hướng Hóa", (1176, 12, 35, 47, 82), (7131, 71, 214, 285, 499)),
]

# example.invalid never delivers (RFC 2606): a demo digest cannot reach anyone.
DEMO_MAIL_DOMAIN = "example.invalid"
DEMO_ROOT = "Ban Chỉ đạo theo dõi (dữ liệu mẫu hai tỉnh)"
DEMO_USERS = [  # username, full name, role, unit name
    ("admin", "Quản trị Văn phòng UBND tỉnh", "admin", "Văn phòng UBND tỉnh Quảng Trị"),
    ("lanhdao", "Hoàng Nam", "leader", DEMO_ROOT),
    ("sldtbxh", "Nguyễn Thị Hương", "staff", "Sở Lao động - Thương binh và Xã hội"),
    ("giolinh", "Lê Văn Hải", "staff", "UBND huyện Gio Linh"),
    ("tuangiao", "Lê Xuân Cảnh", "leader", "UBND huyện Tuần Giáo"),
    ("quaicang", "Lò Văn Thành", "staff", "Tổ công tác Đề án 06 xã Quài Cang"),
]


@dataclass(frozen=True)
class Timeline:
    """Where one directive's own dates (2024) fall in the demo, all moved by the same number of days, and
    whether something dated so has happened by `now`. Recurring rules name weekdays, not dates, so a
    weekly report stays on its Wednesday."""
    shift: timedelta
    now: datetime
    is_original: bool = False

    @classmethod
    def placing(cls, anchor: date, wanted: date, now: datetime) -> "Timeline":
        """The anchor (an original date) moved to `wanted`."""
        return cls(wanted - anchor, now)

    @classmethod
    def original(cls, now: datetime) -> "Timeline":
        return cls(timedelta(0), now, is_original=True)

    def day(self, year: int, month: int, day: int) -> date:
        return date(year, month, day) + self.shift

    def at(self, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
        return datetime(year, month, day, hour, minute) + self.shift

    def happened(self, when: datetime) -> bool:
        """The original demo keeps its whole history, whatever the loading clock says."""
        return self.is_original or when <= self.now

    def fixed(self, year: int, month: int, day: int, wording: str) -> tuple[str, dict]:
        """A fixed deadline: the directive's wording with its own date, or the moved date."""
        due = self.day(year, month, day)
        return (wording if self.is_original else f"Hoàn thành trước ngày {due:%d/%m/%Y}"), _rule(dl.FIXED, date=due)

    def within_month(self, year: int, month: int, wording: str) -> tuple[str, dict]:
        """"Trong tháng 01/2024". Moved by weeks, a month's end is no longer one: the moved demo keeps the
        same time from issue to deadline as a fixed date, and says what the original text gave."""
        if self.is_original:
            return wording, _rule(dl.WITHIN_MONTH, date=date(year, month, 1))
        due = self.day(year, month, calendar.monthrange(year, month)[1])
        return f"Hoàn thành trước ngày {due:%d/%m/%Y} (văn bản gốc: {wording.lower()})", _rule(dl.FIXED, date=due)


def _rule(kind, **fields):
    names = {"date": "deadline_date", "time": "deadline_time", "day": "month_day"}
    return {"deadline_kind": kind, **{names.get(k, k): v for k, v in fields.items()}}


def _units(now):
    """Create the unit tree and return a name -> Unit map."""
    u = {}

    def add(name, kind, parent=None):
        u[name] = create_unit(name, kind, u[parent] if parent else None, now=now)
        return u[name]

    add(DEMO_ROOT, "ban_chi_dao")
    add("UBND tỉnh Quảng Trị", "ubnd_tinh", DEMO_ROOT)
    add("Văn phòng UBND tỉnh Quảng Trị", "van_phong", "UBND tỉnh Quảng Trị")
    add("Sở Lao động - Thương binh và Xã hội", "so_nganh", "UBND tỉnh Quảng Trị")
    add("Bưu điện tỉnh Quảng Trị", "buu_dien", "UBND tỉnh Quảng Trị")
    add("Công an tỉnh Quảng Trị", "cong_an", "UBND tỉnh Quảng Trị")
    add("Phòng Cảnh sát QLHC về TTXH, Công an tỉnh", "cong_an", "Công an tỉnh Quảng Trị")
    for position, (ubnd, place) in enumerate(QT_DISTRICTS, 1):
        add(ubnd, "ubnd_huyen", "UBND tỉnh Quảng Trị")
        u[ubnd].position = position  # the order Phụ lục 01 lists them in
        u[ubnd].save()
        add(f"Phòng Lao động - Thương binh và Xã hội {place}", "phong_huyen", ubnd)
        # A district post office belongs to the province's post office (the postal hierarchy), not to
        # the district: Bưu điện tỉnh directs it ("Chỉ đạo Bưu điện cấp huyện…") and passes tasks to it.
        add(f"Bưu điện {place}", "buu_dien", "Bưu điện tỉnh Quảng Trị")
        for commune in COMMUNES.get(ubnd, []):
            add(f"UBND {commune}", "ubnd_xa", ubnd)

    add("UBND tỉnh Điện Biên", "ubnd_tinh", DEMO_ROOT)
    add("UBND huyện Tuần Giáo", "ubnd_huyen", "UBND tỉnh Điện Biên")
    add("Ban Chỉ đạo Đề án 06 huyện Tuần Giáo", "ban_chi_dao", "UBND huyện Tuần Giáo")
    add("Công an huyện Tuần Giáo", "cong_an", "UBND huyện Tuần Giáo")
    add("Phòng Lao động - Thương binh và Xã hội huyện Tuần Giáo", "phong_huyen", "UBND huyện Tuần Giáo")
    add("Bưu điện huyện Tuần Giáo", "buu_dien", "UBND huyện Tuần Giáo")
    for commune in TUAN_GIAO_COMMUNES:
        add(f"UBND {commune}", "ubnd_xa", "UBND huyện Tuần Giáo")
        add(f"Tổ công tác Đề án 06 {commune}", "to_cong_tac", f"UBND {commune}")
    for telecom in TELECOMS:
        add(telecom, "doanh_nghiep", DEMO_ROOT)
    return u


def _tasks(directive, specs, now):
    """specs: (section, number, text, deadline_text, rule fields, lead units, cooperating units)."""
    tasks = {}
    for position, (section, number, text, deadline_text, rule, addressed_to, lead, coop) in enumerate(specs, 1):
        task = Task(directive=directive, section=section, position=position, number=number, text=text,
                    deadline_text=deadline_text, addressed_to=addressed_to, **rule)
        tasks[number] = save_task(task, lead, coop, now=now)
    return tasks


def _quang_tri_directive(u, now, qt: Timeline):
    so = u["Sở Lao động - Thương binh và Xã hội"]
    bdt = u["Bưu điện tỉnh Quảng Trị"]
    districts = [u[name] for name, _ in QT_DISTRICTS]
    d = Directive.create(
        number="/UBND-KGVX", issued_on=date(2024, 1, 1) if qt.is_original else qt.day(2024, 1, 8),
        issued_precision="year" if qt.is_original else "day",
        issuer=u["UBND tỉnh Quảng Trị"], place="Quảng Trị",
        subject="V/v tăng cường thực hiện chi trả an sinh xã hội không dùng tiền mặt trên địa bàn tỉnh",
        legal_bases="\n".join([
            "Chỉ thị số 21/CT-TTg ngày 25/11/2022 của Thủ tướng Chính phủ về thúc đẩy chuyển đổi số "
            "trong chi trả an sinh xã hội không dùng tiền mặt",
            "Kế hoạch số 159/KH-UBND ngày 25/7/2023 của UBND tỉnh Quảng Trị về việc triển khai thực hiện "
            "chi trả không dùng tiền mặt đến các đối tượng hưởng chính sách an sinh xã hội trên địa bàn tỉnh",
            "Quyết định số 8674/QĐ-SLĐTBXH ngày 21/11/2023 của Sở Lao động - Thương binh và Xã hội ban hành "
            "Quy trình thực hiện chi trả không dùng tiền mặt đến các đối tượng hưởng chính sách an sinh xã hội",
        ]),
        recipients="Sở Lao động - Thương binh và Xã hội\nBưu điện tỉnh\nUBND các huyện, thị xã, thành phố",
        copies="\n".join(["Như trên", "Thường trực TCTTKĐA06/CP (C06, BCA)", "Bộ LĐ-TB&XH",
                          "Cục BHXH (Bộ LĐ-TB&XH)", "Chủ tịch, các PCT UBND tỉnh", "Công an tỉnh",
                          "CVP, các PVP", "Lưu VT, KT, KGVX"]),
        signing_authority="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", signer_title="PHÓ CHỦ TỊCH",
        signer_name="Hoàng Nam", created_at=now)
    s1, s2, s3 = ("1. Sở Lao động - Thương binh và Xã hội", "2. Bưu điện tỉnh",
                  "3. UBND các huyện, thị xã, thành phố")
    districts_label = "UBND các huyện, thị xã, thành phố"
    since = date(2024, 1, 1) if qt.is_original else qt.day(2024, 1, 8)  # the daily reports start with the text
    return d, _tasks(d, [
        (s1, "1.1", "Khẩn trương chủ trì, phối hợp với UBND các huyện, thị xã, thành phố tổ chức phổ biến, "
         "quán triệt và triển khai đến tận UBND các xã, phường, thị trấn về Kế hoạch số 159/KH-UBND ngày "
         "25/7/2023 của UBND tỉnh; Quyết định số 8674/QĐ-SLĐTBXH ngày 21/11/2023 của Sở Lao động - Thương "
         "binh và Xã hội về việc ban hành Quy trình thực hiện chi trả không dùng tiền mặt.",
         *qt.within_month(2024, 1, "Hoàn thành trong tháng 01 năm 2024"), "", [so], districts),
        (s1, "1.2", "Chủ trì, phối hợp Bưu điện tỉnh (đơn vị cung cấp dịch vụ chi trả) chỉ đạo các cơ quan, "
         "đơn vị, địa phương liên quan hoàn thành ngay việc chi trả không dùng tiền mặt cho 386 đối tượng "
         "đã đăng ký mở tài khoản.",
         "Hoàn thành ngay (ngày hạn do quản trị đặt)", _rule(dl.IMMEDIATE, date=qt.day(2024, 1, 15)), "",
         [so], [bdt]),
        (s1, "1.3", "Chủ trì, phối hợp với Bưu điện tỉnh tập trung thực hiện chi trả không dùng tiền mặt cho "
         "số đối tượng vừa thuộc diện an sinh xã hội, vừa đang hưởng chế độ hưu trí đủ điều kiện thanh toán "
         "không dùng tiền mặt trên địa bàn tỉnh.",
         *qt.within_month(2024, 2, "Hoàn thành trong tháng 02 năm 2024"), "", [so], [bdt]),
        (s1, "1.4", "Chủ trì, phối hợp với UBND các huyện, thị xã, thành phố theo dõi, đôn đốc, kiểm tra, "
         "giám sát; định kỳ tổng hợp tiến độ, kết quả triển khai thực hiện trên toàn tỉnh (theo Mẫu Phụ lục "
         "2a) gửi về Công an tỉnh (qua Phòng Cảnh sát Quản lý hành chính về trật tự xã hội).",
         "Hàng ngày (trước 10 giờ hàng ngày)",
         _rule(dl.DAILY, time=time(10, 0), window_start=since, working_days_only=True), "", [so], districts),
        (s1, "1.5", "Báo cáo kết quả thực hiện nội dung yêu cầu tại Công văn này về UBND tỉnh.",
         "Định kỳ trước ngày 28 hàng tháng", _rule(dl.MONTHLY, day=28, window_start=since), "", [so], []),
        (s2, "2.1", "Khẩn trương hoàn thành việc chi trả không dùng tiền mặt cho 386 đối tượng đã đăng ký "
         "mở tài khoản.", *qt.fixed(2024, 1, 15, "Hoàn thành trước ngày 15/01/2024"), "",
         [bdt], []),
        (s2, "2.2", "Phối hợp với Sở Lao động - TB&XH thực hiện chi trả không dùng tiền mặt cho số đối tượng "
         "vừa thuộc diện an sinh xã hội, vừa đang hưởng chế độ hưu trí đủ điều kiện thanh toán không dùng "
         "tiền mặt trên địa bàn tỉnh.", *qt.within_month(2024, 2, "Hoàn thành trong tháng 02 năm 2024"),
         "", [bdt], [so]),
        (s2, "2.3", "Chỉ đạo Bưu điện cấp huyện chủ trì, phối hợp với Phòng Lao động - TB&XH cấp huyện và "
         "UBND các xã, phường, thị trấn tăng cường tổ chức tuyên truyền, vận động các đối tượng hưởng chính "
         "sách an sinh xã hội mở tài khoản để chi trả trợ cấp không dùng tiền mặt.",
         "Thường xuyên", _rule(dl.ONGOING), "", [bdt], []),
        (s3, "3.1", "Trên cơ sở chỉ tiêu UBND tỉnh giao (Phụ lục 01), giao chỉ tiêu cụ thể cho từng xã, "
         "phường, thị trấn thực hiện mở tài khoản, chi trả trợ cấp không dùng tiền mặt đối với các đối tượng "
         "hưởng chính sách an sinh xã hội.", "Văn bản không ghi thời hạn", _rule(dl.ONGOING),
         districts_label, districts, []),
        (s3, "3.2", "Phối hợp với Sở Lao động - Thương binh và Xã hội tổ chức phổ biến, quán triệt và triển "
         "khai đến tận UBND các xã, phường, thị trấn về Kế hoạch số 159/KH-UBND và Quyết định số "
         "8674/QĐ-SLĐTBXH.", *qt.within_month(2024, 1, "Hoàn thành trong tháng 01/2024"),
         districts_label, districts, []),
        (s3, "3.3", "Chỉ đạo Phòng Lao động - Thương binh và Xã hội cấp huyện và UBND các xã, phường, thị "
         "trấn thường xuyên cập nhật danh sách đối tượng hưởng chính sách an sinh xã hội; phối hợp với các "
         "tổ chức chính trị - xã hội cơ sở cùng đơn vị Bưu điện tuyên truyền, vận động đối tượng mở tài khoản.",
         "Thường xuyên", _rule(dl.ONGOING), districts_label, districts, []),
        (s3, "3.4", "Chỉ đạo UBND các xã, phường, thị trấn xác nhận ủy quyền, phối hợp với đơn vị Bưu điện "
         "thu thập thông tin hồ sơ mở tài khoản; thường xuyên rà soát biến động đối tượng để kịp thời điều chỉnh.",
         "Thường xuyên", _rule(dl.ONGOING), districts_label, districts, []),
        (s3, "3.5", "Chỉ đạo các cơ quan chuyên môn, UBND các xã, phường, thị trấn phối hợp chặt chẽ với lực "
         "lượng Công an các cấp trong việc xác minh thông tin về các đối tượng hưởng chính sách an sinh xã hội.",
         "Thường xuyên", _rule(dl.ONGOING), districts_label, districts, []),
        (s3, "3.6", "Theo dõi, đôn đốc, kiểm tra, giám sát, tổng hợp báo cáo; chỉ đạo Phòng Lao động - TB&XH "
         "tổng hợp tiến độ, kết quả triển khai trên địa bàn (theo Mẫu Phụ lục 2b) gửi về Sở Lao động - TB&XH.",
         "Hàng ngày (trước 09 giờ hàng ngày)",
         _rule(dl.DAILY, time=time(9, 0), window_start=since, working_days_only=True),
         districts_label, districts, []),
    ], now)


def _tuan_giao_directive(u, now, tg: Timeline):
    groups = [u[f"Tổ công tác Đề án 06 {c}"] for c in TUAN_GIAO_COMMUNES]
    police = u["Công an huyện Tuần Giáo"]
    labour = u["Phòng Lao động - Thương binh và Xã hội huyện Tuần Giáo"]
    post = u["Bưu điện huyện Tuần Giáo"]
    window = {"window_start": tg.day(2024, 3, 11), "window_end": tg.day(2024, 3, 31)}
    d = Directive.create(
        number="/BCĐĐA06", issued_on=tg.day(2024, 3, 1), issued_precision="month",
        issuer=u["Ban Chỉ đạo Đề án 06 huyện Tuần Giáo"], place="Tuần Giáo",
        subject="V/v tổ chức thực hiện cao điểm chi trả không dùng tiền mặt cho các đối tượng an sinh xã hội",
        legal_bases="\n".join([
            "Chỉ thị số 21/CT-TTg ngày 25/11/2022 của Thủ tướng Chính phủ về việc thúc đẩy chuyển đổi số "
            "trong chi trả an sinh xã hội không dùng tiền mặt",
            "Công văn số 241/UBND-NC ngày 16/01/2024 của UBND tỉnh Điện Biên về triển khai “cao điểm” chi "
            "trả không dùng tiền mặt cho đối tượng an sinh xã hội",
            "Công văn số 77/UBND-CA ngày 13/01/2024 của UBND huyện Tuần Giáo về triển khai cao điểm chi trả "
            "không dùng tiền mặt cho đối tượng ASXH",
            "Công văn số 95/UBND-CA ngày 21/01/2024 của UBND huyện Tuần Giáo về phối hợp giải quyết “điểm "
            "nghẽn” trong việc thực hiện chi trả không dùng tiền mặt",
        ]),
        recipients="\n".join(["Công an huyện", "Phòng Lao động - Thương binh và Xã hội",
                              "Bưu điện huyện Tuần Giáo",
                              "Các doanh nghiệp viễn thông trên địa bàn huyện Tuần Giáo",
                              "Tổ Công tác Đề án 06 các xã, thị trấn"]),
        copies="Như kính gửi (thực hiện)\nLưu: BCĐĐA06 (CAH)",
        signing_authority="TRƯỞNG BAN CHỈ ĐẠO", signer_title="CHỦ TỊCH UBND HUYỆN",
        signer_name="Lê Xuân Cảnh", created_at=now)
    s1, s2, s3, s4, s5 = ("1. Tổ Công tác Đề án 06 cấp xã", "2. Công an huyện",
                          "3. Phòng Lao động - Thương binh và Xã hội", "4. Bưu điện huyện Tuần Giáo",
                          "5. Các doanh nghiệp viễn thông trên địa bàn (VNPT, Viettel, Mobifone)")
    start, end = window["window_start"], window["window_end"]
    campaign_end = ("Thời gian cao điểm từ ngày {0.day}/{0.month}/{0.year} đến hết ngày {1.day}/{1.month}/{1.year}"
                    .format(start, end))
    groups_label = "Tổ Công tác Đề án 06 các xã, thị trấn"
    return d, _tasks(d, [
        (s1, "1.1", "Thành lập tổ công tác từ 5-7 người (Công chức Văn hóa cấp xã, Công an cấp xã và thành "
         "viên có trình độ công nghệ thông tin; Trưởng Công an cấp xã làm Tổ trưởng); hướng dẫn công dân mở "
         "tài khoản ngân hàng bằng phương thức online: tại trụ sở UBND xã với người đi lại được, tại nhà với "
         "người không có điều kiện đi lại.", campaign_end, _rule(dl.FIXED, date=end),
         groups_label, groups, []),
        (s1, "1.2", "Tổng hợp, báo cáo kết quả, danh sách cụ thể các trường hợp đã mở tài khoản ngân hàng "
         "online thành công và các trường hợp chưa mở về Công an huyện (qua Đội Cảnh sát QLHC về TTXH).",
         "Định kỳ trước 14 giờ thứ tư hàng tuần",
         _rule(dl.WEEKLY, weekday=2, time=time(14, 0), **window), groups_label, groups, []),
        (s2, "2.1", "Trực tiếp chỉ đạo, đôn đốc, kiểm tra tổ công tác cấp xã hướng dẫn đối tượng mở tài "
         "khoản ngân hàng bằng phương thức online để được cấp ngay tài khoản.", campaign_end,
         _rule(dl.FIXED, date=end), "", [police], []),
        (s2, "2.2", "Chỉ đạo Đội Cảnh sát QLHC về TTXH tổng hợp kết quả của tổ công tác các xã, thị trấn, "
         "báo cáo Ban Chỉ đạo Đề án 06 huyện; lập danh sách các trường hợp mở tài khoản online thành công "
         "trong tuần gửi Phòng Lao động - Thương binh và Xã hội.",
         "Định kỳ hàng tuần (văn bản không ghi ngày; đặt thứ Năm, trước 17 giờ)",
         _rule(dl.WEEKLY, weekday=3, time=time(17, 0), **window), "", [police], []),
        (s2, "2.3", "Chỉ đạo Công an các xã, thị trấn cập nhật thông tin đối tượng an sinh xã hội trên hệ "
         "thống Cơ sở dữ liệu quốc gia về dân cư, đảm bảo dữ liệu luôn “đúng, đủ, sạch, sống”.",
         "Thường xuyên", _rule(dl.ONGOING), "", [police], []),
        (s3, "3.1", "Khẩn trương cung cấp danh sách các trường hợp chưa được cấp tài khoản ngân hàng cho Tổ "
         "trưởng tổ công tác cấp xã để tuyên truyền, vận động, hướng dẫn mở tài khoản online.",
         "Khẩn trương (ngày hạn do quản trị đặt)", _rule(dl.IMMEDIATE, date=tg.day(2024, 3, 12)), "",
         [labour], []),
        (s3, "3.2", "Cập nhật kịp thời danh sách các trường hợp đã mở tài khoản online thành công do Cơ quan "
         "thường trực Ban Chỉ đạo huyện cung cấp lên phần mềm dữ liệu chuyên ngành.",
         "Định kỳ hàng tuần (văn bản không ghi ngày; đặt thứ Sáu, trước 17 giờ)",
         _rule(dl.WEEKLY, weekday=4, time=time(17, 0), **window), "", [labour], []),
        (s3, "3.3", "Phối hợp với Bưu điện huyện Tuần Giáo chi trả không dùng tiền mặt cho 100% đối tượng đã "
         "được cấp tài khoản ngân hàng, thực hiện ngay khi có đợt chi trả.", "Thực hiện ngay khi có đợt chi trả",
         _rule(dl.ONGOING), "", [labour], [post]),
        (s3, "3.4", "Sau đợt cao điểm, chỉ đạo công chức Văn hóa xã phối hợp Công an cùng cấp thường xuyên rà "
         "soát, cập nhật thông tin đối tượng lên Cơ sở dữ liệu quốc gia về dân cư; báo cáo danh sách đối tượng "
         "thay đổi thông tin; hướng dẫn đối tượng mới mở tài khoản online.", "Thường xuyên",
         _rule(dl.ONGOING), "", [labour], []),
        (s4, "4.1", "Thông báo lịch chi trả chế độ, chính sách ASXH tại các xã, thị trấn cho Phòng Lao động - "
         "Thương binh và Xã hội, Công an huyện, UBND các xã, thị trấn và các đơn vị liên quan.",
         "Định kỳ hàng tháng", _rule(dl.MONTHLY, window_start=tg.day(2024, 3, 1)), "", [post], []),
        (s4, "4.2", "Chỉ đạo bưu cục các xã, thị trấn tạm dừng chi trả cho trường hợp không còn đủ điều kiện "
         "hưởng nhưng vẫn có trong danh sách, lập danh sách và báo cáo ngay về Bưu điện huyện.",
         "Thường xuyên", _rule(dl.ONGOING), "", [post], []),
        (s5, "5.1", "Cử cán bộ đồng hành cùng tổ công tác hỗ trợ chuyển đổi sim chính chủ phục vụ mở tài khoản "
         "ngân hàng; xử lý triệt để sim rác, chuẩn hóa thuê bao; hỗ trợ giá sim cho người dân, đặc biệt hộ "
         "nghèo, cận nghèo.", "Thường xuyên", _rule(dl.ONGOING),
         "Các doanh nghiệp viễn thông trên địa bàn huyện Tuần Giáo", [u[t] for t in TELECOMS], []),
    ], now)


def _demo_history(u, users, qt_tasks, tg_tasks, qt: Timeline, tg: Timeline):
    """A little history so that every status class shows up in the demo."""
    def report(task, unit_name, author, when, state, percent, note):
        if qt.happened(when) if task.directive_id == qt_tasks["1.1"].directive_id else tg.happened(when):
            a = _lead(task, u[unit_name])
            post_update(a, a.version, author, state, percent, note, None, when)

    so, admin = users["sldtbxh"], users["admin"]
    report(qt_tasks["1.1"], "Sở Lao động - Thương binh và Xã hội", so, qt.at(2024, 1, 12, 15, 30),
           "in_progress", 50, "Đã tổ chức hội nghị quán triệt cấp tỉnh; đang triển khai xuống các huyện.")
    report(qt_tasks["1.1"], "Sở Lao động - Thương binh và Xã hội", so, qt.at(2024, 1, 30, 16, 0),
           "done", 100, "Đã phổ biến đến 100% UBND cấp xã.")
    report(qt_tasks["2.1"], "Bưu điện tỉnh Quảng Trị", admin, qt.at(2024, 1, 18, 10, 0),
           "done", 100, "Đã chi trả xong cho 386 đối tượng (chậm 3 ngày do đối soát tài khoản).")
    report(qt_tasks["3.2"], "UBND thành phố Đông Hà", admin, qt.at(2024, 1, 25, 9, 0),
           "done", 100, "Đã tổ chức hội nghị triển khai tại 9/9 phường.")
    report(qt_tasks["3.2"], "UBND huyện Gio Linh", users["giolinh"], qt.at(2024, 1, 20, 14, 0),
           "in_progress", 60, "Đã triển khai tại 12/19 xã, thị trấn.")
    report(tg_tasks["1.1"], "Tổ công tác Đề án 06 xã Quài Nưa", admin, tg.at(2024, 3, 22, 11, 0),
           "done", 100, "Đã thành lập tổ 6 người; hướng dẫn mở 142 tài khoản.")
    report(tg_tasks["1.1"], "Tổ công tác Đề án 06 xã Chiềng Sinh", admin, tg.at(2024, 4, 3, 8, 30),
           "done", 100, "Hoàn thành sau đợt cao điểm.")
    if not qt.is_original:
        # The original history completes its tasks late in January and in the campaign's third week;
        # placed around today those have not happened yet, so two units finish early and are confirmed,
        # and "hoàn thành đúng hạn" shows on the first day of the demo as well.
        report(qt_tasks["3.2"], "UBND thị xã Quảng Trị", admin, qt.at(2024, 1, 16, 14, 0),
               "done", 100, "Đã tổ chức hội nghị triển khai tại 5/5 phường, xã.")
        _confirm(qt, _lead(qt_tasks["3.2"], u["UBND thị xã Quảng Trị"]), admin.id, qt.at(2024, 1, 17, 9, 0))
        report(tg_tasks["1.1"], "Tổ công tác Đề án 06 thị trấn Tuần Giáo", admin, tg.at(2024, 3, 14, 10, 0),
               "done", 100, "Đã thành lập tổ 7 người; hướng dẫn mở 96 tài khoản trong tuần đầu.")
        _confirm(tg, _lead(tg_tasks["1.1"], u["Tổ công tác Đề án 06 thị trấn Tuần Giáo"]), users["tuangiao"].id,
                 tg.at(2024, 3, 14, 16, 0))


def _lead(task, unit):
    return (Assignment.select().where((Assignment.task == task.id) & (Assignment.unit == unit.id)).get())


def _confirm(timeline: Timeline, assignment, user_id, when, note=""):
    """Confirm a reported completion, if it was reported and the confirmation's time has come."""
    assignment = Assignment.get_by_id(assignment.id)
    if assignment.state == AWAITING and timeline.happened(when):
        followup.confirm(assignment, user_id, when, note)


def _demo_confirmations(u, users, qt_tasks, tg_tasks, qt: Timeline, tg: Timeline):
    """The issuers' answers to the completions _demo_history reported: confirmed (on time and late),
    one left waiting (Đông Hà, reported on time), and a few extension requests: approved (Gio Linh),
    refused (Vĩnh Linh), and one asked after the due time still open (Cam Lộ)."""
    admin, tuangiao = users["admin"], users["tuangiao"]
    so = u["Sở Lao động - Thương binh và Xã hội"]
    _confirm(qt, _lead(qt_tasks["1.1"], so), admin.id, qt.at(2024, 2, 1, 9, 0))
    _confirm(qt, _lead(qt_tasks["2.1"], u["Bưu điện tỉnh Quảng Trị"]), admin.id, qt.at(2024, 1, 19, 8, 30),
             f"Chi trả xong nhưng chậm 3 ngày so với hạn {qt.day(2024, 1, 15):%d/%m/%Y}.")
    _confirm(tg, _lead(tg_tasks["1.1"], u["Tổ công tác Đề án 06 xã Quài Nưa"]), tuangiao.id, tg.at(2024, 3, 22, 15, 0))
    _confirm(tg, _lead(tg_tasks["1.1"], u["Tổ công tác Đề án 06 xã Chiềng Sinh"]), tuangiao.id, tg.at(2024, 4, 4, 9, 0))

    def extension(unit_name, author, asked, day, reason, decision=None):
        """decision: (approved, note, when), or None to leave the request open."""
        if not qt.happened(asked):
            return
        ext = followup.request_extension(_lead(qt_tasks["3.2"], u[unit_name]), author.id, day, reason, asked)
        if decision and qt.happened(decision[2]):
            followup.decide_extension(ext, admin.id, *decision)

    new_day = qt.day(2024, 2, 15)
    extension("UBND huyện Gio Linh", users["giolinh"], qt.at(2024, 1, 29, 10, 0), new_day,
              f"Còn 5 xã chưa tổ chức xong hội nghị do mưa lũ; đề nghị gia hạn đến {new_day:%d/%m/%Y}.",
              (True, "Đồng ý; đề nghị huyện hoàn thành đúng hạn mới.", qt.at(2024, 1, 30, 14, 0)))
    extension("UBND huyện Vĩnh Linh", admin, qt.at(2024, 1, 30, 9, 0), qt.day(2024, 2, 29),
              "Chưa bố trí được kinh phí tổ chức hội nghị.",
              (False, "Thời hạn do UBND tỉnh ấn định; đề nghị khẩn trương hoàn thành.", qt.at(2024, 1, 31, 8, 0)))
    extension("UBND huyện Cam Lộ", admin, qt.at(2024, 2, 2, 15, 0), qt.day(2024, 2, 20),
              "Đang chờ tài liệu hướng dẫn của Sở để in phát cho các xã.")


def _demo_delegations(u, users, qt_tasks, qt: Timeline):
    """Delegation down the tree, as the seed directive asks: Gio Linh passes its dissemination task
    (3.2) and its account-opening files task (3.4) to its communes, and confirms, returns or answers
    them; Bưu điện tỉnh passes its campaign task (2.3) to the district post offices."""
    giolinh, admin = users["giolinh"], users["admin"]
    gio_linh = u["UBND huyện Gio Linh"]
    communes = list(Unit.select().where((Unit.parent == gio_linh.id) & (Unit.kind == "ubnd_xa")).order_by(Unit.sort_name))
    parent = _lead(qt_tasks["3.2"], gio_linh)
    followup.delegate(parent, communes, qt.day(2024, 1, 25),
                      "Tổ chức hội nghị phổ biến Kế hoạch 159/KH-UBND và Quyết định 8674/QĐ-SLĐTBXH đến cán bộ "
                      "xã, thôn; gửi biên bản hội nghị về UBND huyện.", giolinh.id, qt.at(2024, 1, 15, 8, 0))
    children = {a.unit_id: a for a in Assignment.select().where(Assignment.delegated_from == parent.id)}
    by_name = {c.name: children[c.id] for c in communes}
    day = 18
    for index, name in enumerate(sorted(by_name)[:12]):
        child = by_name[name]
        reported = qt.at(2024, 1, day + index // 3, 9 + index % 3 * 2, 0)
        if not qt.happened(reported):
            continue
        post_update(child, child.version, admin.id, "done", 100,
                    f"Đã tổ chức hội nghị tại {name.removeprefix('UBND ')}; gửi kèm biên bản.", None, reported)
        child = Assignment.get_by_id(child.id)
        if index == 10:  # the minutes were missing: returned
            returned = qt.at(2024, 1, 24, 16, 0)
            if qt.happened(returned):
                followup.return_(child, giolinh.id, "Chưa gửi biên bản hội nghị; đề nghị xã bổ sung rồi báo cáo lại.",
                                 returned)
        elif index < 10:
            _confirm(qt, child, giolinh.id, reported.replace(hour=17))
        # index 11 stays waiting for Gio Linh's confirmation
    rest = sorted(by_name)[12:]
    # No later than Gio Linh's own due date: in today's demo its extension is not yet approved.
    asked, later = qt.day(2024, 1, 31), min(qt.day(2024, 2, 5), Assignment.get_by_id(parent.id).due_at.date())
    if qt.happened(qt.at(2024, 1, 23, 10, 0)):
        ext = followup.request_extension(by_name[rest[0]], admin.id, asked,
                                         f"Xã đang tổ chức bầu bổ sung trưởng thôn; xin lùi hội nghị đến {asked:%d/%m/%Y}.",
                                         qt.at(2024, 1, 23, 10, 0))
        if qt.happened(qt.at(2024, 1, 23, 15, 0)):
            followup.decide_extension(ext, giolinh.id, True, "", qt.at(2024, 1, 23, 15, 0))
    if qt.happened(qt.at(2024, 1, 27, 8, 0)):
        followup.request_extension(by_name[rest[1]], admin.id, later,
                                   f"Cán bộ văn hóa xã nghỉ ốm; xin gia hạn đến {later:%d/%m/%Y}.", qt.at(2024, 1, 27, 8, 0))

    if qt.happened(qt.at(2024, 2, 5, 8, 0)):
        files = _lead(qt_tasks["3.4"], gio_linh)
        followup.delegate(files, communes, None, "Xác nhận ủy quyền, thu thập hồ sơ mở tài khoản cho đối tượng trên "
                          "địa bàn xã; cập nhật số hồ sơ hằng tuần.", giolinh.id, qt.at(2024, 2, 5, 8, 0))
        for name in sorted(by_name)[:3]:
            child = Assignment.get((Assignment.delegated_from == files.id) & (Assignment.unit == by_name[name].unit_id))
            if qt.happened(qt.at(2024, 3, 8, 10, 0)):
                post_update(child, child.version, admin.id, "in_progress", 40, "Đã thu thập 35 hồ sơ mở tài khoản.",
                            None, qt.at(2024, 3, 8, 10, 0))

    post_offices = list(Unit.select().where((Unit.parent == u["Bưu điện tỉnh Quảng Trị"].id)
                                            & (Unit.kind == "buu_dien")).order_by(Unit.sort_name))
    campaign = _lead(qt_tasks["2.3"], u["Bưu điện tỉnh Quảng Trị"])
    quarter_end = qt.day(2024, 3, 31)
    followup.delegate(campaign, post_offices, quarter_end,
                      "Phối hợp Phòng LĐTBXH và UBND các xã tuyên truyền, vận động đối tượng mở tài khoản; báo cáo "
                      f"kết quả về Bưu điện tỉnh trước ngày {quarter_end:%d/%m/%Y}.", admin.id, qt.at(2024, 1, 10, 8, 0))
    first = Assignment.get((Assignment.delegated_from == campaign.id) & (Assignment.unit == post_offices[0].id))
    if qt.happened(qt.at(2024, 3, 15, 16, 0)):
        post_update(first, first.version, admin.id, "done", 100,
                    "Đã tuyên truyền tại 9/9 phường; 212 đối tượng mở tài khoản.", None, qt.at(2024, 3, 15, 16, 0))
        _confirm(qt, first, admin.id, qt.at(2024, 3, 18, 9, 0))


def _demo_cooperation(u, users, qt_tasks, qt: Timeline):
    """Partners' inputs: three districts answer the Sở on dissemination (1.1), the Sở asks Hải Lăng
    (again) with a date, Bưu điện tỉnh answers on the 386 paid at once (1.2), the Sở on 2.2."""
    admin, so_user, giolinh = users["admin"], users["sldtbxh"], users["giolinh"]

    def partner(task, name):
        return Cooperation.get((Cooperation.task == task.id) & (Cooperation.unit == u[name].id))

    def send(task, name, user, note, figures, when):
        if qt.happened(when):
            cooperation.send_input(partner(qt_tasks[task], name), user.id, note, figures, None, when)

    send("1.1", "UBND huyện Gio Linh", giolinh, "Huyện đã phối hợp tổ chức hội nghị quán triệt cho 19/19 xã, thị "
         f"trấn ngày {qt.day(2024, 1, 12):%d/%m/%Y}.", "Số người dự: 214", qt.at(2024, 1, 16, 9, 0))
    send("1.1", "UBND thành phố Đông Hà", admin, "Đã phổ biến đến 9/9 phường.", "", qt.at(2024, 1, 18, 14, 0))
    send("1.1", "UBND huyện Cam Lộ", admin, "Đã lồng ghép phổ biến trong hội nghị giao ban tháng.", "",
         qt.at(2024, 1, 22, 10, 0))
    if qt.happened(qt.at(2024, 1, 24, 8, 0)):
        cooperation.ask(partner(qt_tasks["1.1"], "UBND huyện Hải Lăng"), so_user.id, qt.day(2024, 1, 29),
                        "Đề nghị huyện gửi kết quả phối hợp phổ biến để Sở tổng hợp báo cáo UBND tỉnh.",
                        qt.at(2024, 1, 24, 8, 0))
    send("1.2", "Bưu điện tỉnh Quảng Trị", admin, "Đã đối soát danh sách 386 đối tượng với Sở.",
         "Đã chi trả: 386/386", qt.at(2024, 1, 17, 16, 0))
    send("2.2", "Sở Lao động - Thương binh và Xã hội", so_user,
         "Sở đã gửi danh sách đối tượng vừa hưởng ASXH vừa hưởng lương hưu cho Bưu điện tỉnh.", "",
         qt.at(2024, 2, 6, 9, 0))


# The Quảng Trị directive's numbers as an indicator set: the districts' daily Phụ lục 2b (task 3.6),
# entered by the communes (or a district for itself), rolled up as 2a for the province; Phụ lục 01 is
# its appendix of targets.
QT_GROUPS = ["Người có công", "Đối tượng bảo trợ xã hội"]
QT_TITLE = ("GIAO CHỈ TIÊU SỐ LƯỢNG CÁC ĐỐI TƯỢNG HƯỞNG CHÍNH SÁCH AN SINH XÃ HỘI\n"
            "ĐƯỢC MỞ TÀI KHOẢN, CHI TRẢ KHÔNG DÙNG TIỀN MẶT TRONG NĂM {năm}")


def _quang_tri_set(u, directive, task, now):
    """The set, its indicators and groups and the Phụ lục 01 columns, through the admin's code."""
    indicator_set = sets.create_set(directive, "Tiến độ mở tài khoản, chi trả không dùng tiền mặt (Phụ lục 2a, 2b)",
                                    task, u["UBND tỉnh Quảng Trị"], "ubnd_xa", "quarter", now=now)
    sets.save_definition(indicator_set, [
        sets.IndicatorInput(None, "Tổng số đối tượng", aggregation="stock", is_base=True, has_targets=True)],
        [sets.GroupInput(None, name) for name in QT_GROUPS], now=now)
    total = sets.indicators_of(indicator_set)[0]
    sets.save_definition(indicator_set, [
        sets.IndicatorInput(total.id, total.name, aggregation="stock", is_base=True, has_targets=True),
        sets.IndicatorInput(None, "Đã mở tài khoản", aggregation="cumulative", at_most=total.id),
        sets.IndicatorInput(None, "Đã chi trả không dùng tiền mặt", aggregation="cumulative", at_most=total.id,
                            has_targets=True)],
        [sets.GroupInput(g.id, g.name) for g in sets.groups_of(indicator_set)], now=now)
    _, _, paid = sets.indicators_of(indicator_set)
    columns = []
    for group in sets.groups_of(indicator_set):
        first = len(columns) + 1
        columns.append(sets.ColumnInput(first, total.id, group.id, 0, label=f"Tổng số {group.name.lower()}"))
        columns += [sets.ColumnInput(first + q, paid.id, group.id, q, label=f"Quý {q}/{{năm}}") for q in range(1, 5)]
        columns.append(sets.ColumnInput(first + 5, formula="+".join(str(first + q) for q in range(1, 5)),
                                        label="Tổng số cả năm {năm}"))
        columns.append(sets.ColumnInput(first + 6, formula=f"{first + 5}/{first}", label="Tỷ lệ % đạt được cả năm {năm}"))
    sets.save_columns(indicator_set, columns, "Phụ lục 01", QT_TITLE, now=now)
    return indicator_set


def _tuan_giao_set(u, directive, task, now):
    """Tuần Giáo's weekly commune report: accounts opened online in the week, people still without one."""
    indicator_set = sets.create_set(directive, "Kết quả mở tài khoản online hằng tuần của tổ công tác cấp xã",
                                    task, u["UBND huyện Tuần Giáo"], "", "year", now=now)
    sets.save_definition(indicator_set, [
        sets.IndicatorInput(None, "Số tài khoản mở online trong tuần", aggregation="period"),
        sets.IndicatorInput(None, "Số đối tượng còn chưa có tài khoản", aggregation="stock")], [], now=now)
    return indicator_set


def _shares(whole: int, parts: int) -> list[int]:
    """Even shares, the remainder to the first parts, so that they add up to the whole."""
    return [whole // parts + (1 if index < whole % parts else 0) for index in range(parts)]


def _targets(u, indicator_set, year: int, now):
    """The seed's Phụ lục 01 for the districts, and Đông Hà's split among its wards, saved as the split
    form and the import save them."""
    total, _, paid = sets.indicators_of(indicator_set)
    groups = sets.groups_of(indicator_set)
    values = {}

    def put(unit, group, numbers):
        values[(unit.id, total.id, group.id, 0)] = float(numbers[0])
        for quarter, value in enumerate(numbers[1:], 1):
            values[(unit.id, paid.id, group.id, quarter)] = float(value)
    for district, *rows in APPENDIX_01:
        for group, numbers in zip(groups, rows):
            put(u[district], group, numbers)
    wards = [u[f"UBND {name}"] for name in COMMUNES["UBND thành phố Đông Hà"]]
    _, *dong_ha_groups = APPENDIX_01[0]
    for group, numbers in zip(groups, dong_ha_groups):
        columns = [_shares(n, len(wards)) for n in numbers]
        for index, ward in enumerate(wards):
            put(ward, group, [column[index] for column in columns])
    targets.upsert_targets(indicator_set, values, year, now)


def _row(indicator_set, numbers_by_group: list[tuple]) -> figures.RowInput:
    """A form row: per group (in order), the indicators' numbers (in order)."""
    indicators, groups = sets.indicators_of(indicator_set), sets.groups_of(indicator_set)
    return figures.RowInput({(i.id, g.id): float(n) for g, numbers in zip(groups, numbers_by_group)
                             for i, n in zip(indicators, numbers)})


def _figures(u, users, indicator_set, days: list[tuple[date, time]]):
    """Đông Hà's wards enter their day's figures as a user would (each entry is also Đông Hà's Phụ lục
    2b report of that day): beneficiaries as the city's Phụ lục 01 total shared among the wards, accounts
    opened and paid without cash rising day by day. days: (day, the time the wards enter it)."""
    dong_ha = next(row for row in APPENDIX_01 if row[0] == "UBND thành phố Đông Hà")
    wards = COMMUNES["UBND thành phố Đông Hà"]
    beneficiaries = [_shares(numbers[0], len(wards)) for numbers in dong_ha[1:]]
    for step, (day, entered) in enumerate(days):
        for index, name in enumerate(wards):
            opened = 20 + 3 * index + 4 * step
            row = _row(indicator_set, [(b[index], opened, opened - 2) for b in beneficiaries])
            at = datetime.combine(day, entered) + timedelta(minutes=5 * index)
            ward = u[f"UBND {name}"]
            figures.save(indicator_set, ward, day, {ward.id: row}, users["admin"].id, at)


def _soon_working_day(today: date) -> date:
    """The latest working day from today to the day after tomorrow, so that a deadline at its end is
    "sắp đến hạn" (within three days) without Điều 148 moving it; in a long holiday, the next working day."""
    calendar_ = current_calendar()
    for ahead in (2, 1, 0):
        if calendar_.is_working_day(today + timedelta(days=ahead)):
            return today + timedelta(days=ahead)
    return calendar_.next_working_day(today)


def _recent_working_days(until: date, since: date, count: int) -> list[date]:
    """The last `count` working days up to `until` (not before `since`), oldest first."""
    calendar_, days, day = current_calendar(), [], until
    while len(days) < count and day >= since:
        if calendar_.is_working_day(day):
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def _due_reports(task, unit_ids=None):
    """The occurrences of a recurring task's lead assignments, oldest first, with their units."""
    query = (Occurrence.select(Occurrence, Assignment).join(Assignment)
             .where((Assignment.task == task.id) & Assignment.delegated_from.is_null()))
    if unit_ids is not None:
        query = query.where(Assignment.unit.in_(unit_ids))
    return list(query.order_by(Assignment.unit, Occurrence.due_at))


def _demo_reports(u, users, qt_tasks, tg_tasks, sets_by_name, now: datetime, qt: Timeline, upload_dir=None):
    """Recurring reports in today's demo, sent through the same code as a user's: Đông Hà's wards enter
    their figures most working days (one day forgotten, one day late), the other districts enter their
    own figures as their daily Phụ lục 2b, the Sở sends its 2a, Tuần Giáo's commune groups their weekly
    figures (with the named lists attached when there is an upload folder), mostly on time, a few
    late, a few missing."""
    admin = users["admin"]
    qt_set, tg_set = sets_by_name["qt"], sets_by_name["tg"]
    days = _recent_working_days(now.date() - timedelta(days=1), qt.day(2024, 1, 9), 10)
    forgotten, late = (days[-4], days[-6]) if len(days) >= 6 else (None, None)
    _figures(u, users, qt_set, [(day, time(10, 30) if day == late else time(8, 0))
                                for day in days if day != forgotten])
    occurrences.ensure_current(now)

    def send(occurrence, user, when, note):
        if when <= now:
            occurrences.submit(occurrence, user.id, note, None, when)

    dong_ha = u["UBND thành phố Đông Hà"].id
    district_ids = [u[name].id for name, _ in QT_DISTRICTS if u[name].id != dong_ha]
    appendix = {u[name].id: rows for name, *rows in APPENDIX_01}
    steps = {}
    for index, o in enumerate(_due_reports(qt_tasks["3.6"], district_ids)):
        if index % 7 == 3:  # a few days missing, spread over the districts
            continue
        when = o.due_at + (timedelta(hours=2) if index % 11 == 5 else -timedelta(minutes=40))
        if when > now:
            continue
        district = o.assignment.unit
        step = steps[district.id] = steps.get(district.id, 0) + 1
        numbers = [(total, total * (4 + step) // 100, total * (3 + step) // 100)
                   for total, *_ in appendix[district.id]]
        user = users["giolinh"] if district.id == u["UBND huyện Gio Linh"].id else admin
        figures.save(qt_set, district, o.due_at.date(), {district.id: _row(qt_set, numbers)}, user.id, when,
                     note=f"Phụ lục 2b ngày {o.due_at:%d/%m/%Y}.")
    for index, o in enumerate(_due_reports(qt_tasks["1.4"])):
        if index % 6 != 4:
            send(o, users["sldtbxh"], o.due_at - timedelta(minutes=30), f"Gửi Phụ lục 2a ngày {o.due_at:%d/%m/%Y}.")
    remaining = {}
    for index, o in enumerate(_due_reports(tg_tasks["1.2"])):
        if index % 9 == 4:
            continue
        when = o.due_at + (timedelta(hours=19) if index % 8 == 2 else -timedelta(hours=4))
        if when > now:
            continue
        group = o.assignment.unit
        left = remaining.get(group.id, 38 + (group.id * 7) % 45)
        opened = min(left, 6 + (index * 5) % 17)
        remaining[group.id] = left - opened
        user = users["quaicang"] if group.id == u["Tổ công tác Đề án 06 xã Quài Cang"].id else admin
        lists = _named_lists(group.name, opened, left - opened, upload_dir) if upload_dir else None
        figures.save(tg_set, group, o.due_at.date(), {group.id: _row(tg_set, [(opened, left - opened)])}, user.id,
                     when, note="Kết quả mở tài khoản trong tuần; danh sách đã mở và chưa mở "
                                + ("gửi kèm." if lists else "gửi kèm bản giấy."), evidence=lists)
    for o in _due_reports(tg_tasks["2.2"]):
        send(o, admin, o.due_at - timedelta(hours=2), "Báo cáo tổng hợp kết quả các tổ công tác trong tuần.")


FAMILY_NAMES = ["Lò", "Quàng", "Lường", "Cà", "Tòng", "Vì", "Mùa", "Giàng", "Lý", "Hoàng"]
GIVEN_NAMES = ["Văn Sơn", "Thị Hoa", "Văn Pản", "Thị Ánh", "Văn Chung", "Thị Lả", "A Dơ", "Thị Xuân", "Văn Hùng",
               "Thị Mai", "Văn Thắng", "Thị Ngọc"]


class _Upload:
    """Just what uploads.store_evidence reads of an uploaded file."""

    def __init__(self, filename: str, data: bytes):
        self.filename, self.stream = filename, io.BytesIO(data)


def _named_lists(group_name: str, opened: int, left: int, upload_dir: str):
    """The week's named lists of a commune group as an .xlsx: who opened an account, who has none yet."""
    workbook = Workbook()
    for sheet, (title, count, offset) in zip(
            [workbook.active, workbook.create_sheet()],
            [("Đã mở tài khoản", opened, 0), ("Chưa có tài khoản", left, opened)]):
        sheet.title = title
        sheet.append(["TT", "Họ và tên", "Ghi chú"])
        for n in range(count):
            k = offset + n
            sheet.append([n + 1, f"{FAMILY_NAMES[k % len(FAMILY_NAMES)]} {GIVEN_NAMES[(k * 7) % len(GIVEN_NAMES)]}",
                          "Mở trực tuyến tại UBND xã" if title.startswith("Đã") else ""])
    out = io.BytesIO()
    workbook.save(out)
    name = f"Danh sách {group_name.removeprefix('Tổ công tác Đề án 06 ')}.xlsx"
    return store_evidence(_Upload(name, out.getvalue()), upload_dir)


def load_demo(password: str, method: str, now: datetime, *, original_dates: bool = False,
              upload_dir: str | None = None, two_tier: bool = True) -> None:
    """Create the whole demo in one transaction: either all of it or nothing. `now` is when the
    demo's rows are created; the directives are placed around it unless original_dates. With an
    upload folder, Tuần Giáo's weekly reports carry their named lists as files. two_tier: with the
    province of two tiers (webapp/seed_two_tier.py) as a tree of its own."""
    if original_dates:
        qt = tg = Timeline.original(now)
    else:
        # Quảng Trị's January deadlines (23 days after the issue) fall due in the next days, so the
        # directive was issued about three weeks ago; Tuần Giáo's campaign is in its second week.
        qt = Timeline.placing(date(2024, 1, 31), _soon_working_day(now.date()), now)
        tg = Timeline.placing(date(2024, 3, 11), now.date() - timedelta(days=10), now)
    with database.atomic():
        units = _units(now)
        users = {username: create_user(username, password, full_name, role, units[unit_name], method=method,
                                       now=now, email=f"{username}@{DEMO_MAIL_DOMAIN}")
                 for username, full_name, role, unit_name in DEMO_USERS}
        qt_directive, qt_tasks = _quang_tri_directive(units, now, qt)
        tg_directive, tg_tasks = _tuan_giao_directive(units, now, tg)
        indicator_sets = {"qt": _quang_tri_set(units, qt_directive, qt_tasks["3.6"], now),
                          "tg": _tuan_giao_set(units, tg_directive, tg_tasks["1.2"], now)}
        _demo_history(units, users, qt_tasks, tg_tasks, qt, tg)
        _demo_confirmations(units, users, qt_tasks, tg_tasks, qt, tg)
        _demo_delegations(units, users, qt_tasks, qt)
        _demo_cooperation(units, users, qt_tasks, qt)
        _targets(units, indicator_sets["qt"], qt.day(2024, 1, 8).year, now)
        if original_dates:
            _figures(units, users, indicator_sets["qt"], [(date(2024, 3, day), time(8, 0)) for day in (18, 19, 20)])
        else:
            _demo_reports(units, users, qt_tasks, tg_tasks, indicator_sets, now, qt, upload_dir)
        if two_tier:  # a province of today's two tiers (no districts), a tree of its own beside the seeds'
            seed_two_tier.load(now, password, method, DEMO_MAIL_DOMAIN)
