"""The demo's two-tier province: Lai Châu as local government has stood since 1 July 2025, the
province then its 38 communes and wards (no districts), its sở, its post office and its police.

Its directive is the province's real Kế hoạch 7360/KH-UBND of 19/11/2025 on the amended Law on
Standards and Technical Regulations, addressed to "các sở, ngành" and "UBND các xã, phường"; its
dates are moved so that it was issued three weeks before `now`, whichever demo is loaded. What the
plan leaves "theo quy định" the demo sets as an admin would: the communes' weekly report of the
plan's results (an indicator set scoped to the province, its rows the communes) and a date for the
review of the legal documents. A little history runs through the same code as a user's.
"""
from datetime import date, datetime, time, timedelta

from .core import cooperation, figures, followup, targets
from .core import indicators as sets
from .core import occurrences
from .core.assignments import post_update
from .core.directives import save_task
from .core.units import create_unit
from .core.users import create_user
from .models import Assignment, Cooperation, Directive, Occurrence, Task
from .rules import deadlines as dl
from .rules.vietnamese import fold

PROVINCE = "UBND tỉnh Lai Châu"
OFFICE = "Văn phòng UBND tỉnh Lai Châu"
SCIENCE = "Sở Khoa học và Công nghệ tỉnh Lai Châu"
JUSTICE = "Sở Tư pháp tỉnh Lai Châu"
CULTURE = "Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu"
FINANCE = "Sở Tài chính tỉnh Lai Châu"
CENTRE = "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng tỉnh Lai Châu"
APPLICATION_CENTRE = "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ tỉnh Lai Châu"
POST = "Bưu điện tỉnh Lai Châu"
POLICE = "Công an tỉnh Lai Châu"
# Nghị quyết 1670/NQ-UBTVQH15 (2025): 2 wards and 36 communes, in that resolution's order.
COMMUNES = [
    "phường Tân Phong", "phường Đoàn Kết", "xã Bình Lư", "xã Tả Lèng", "xã Khun Há", "xã Sin Suối Hồ",
    "xã Phong Thổ", "xã Sì Lở Lầu", "xã Dào San", "xã Khổng Lào", "xã Tủa Sín Chải", "xã Sìn Hồ", "xã Hồng Thu",
    "xã Nậm Tăm", "xã Pu Sam Cáp", "xã Nậm Cuổi", "xã Nậm Mạ", "xã Lê Lợi", "xã Nậm Hàng", "xã Mường Mô",
    "xã Hua Bum", "xã Pa Tần", "xã Bum Nưa", "xã Bum Tở", "xã Mường Tè", "xã Thu Lũm", "xã Pa Ủ", "xã Tà Tổng",
    "xã Mù Cả", "xã Tân Uyên", "xã Mường Khoa", "xã Nậm Sỏ", "xã Pắc Ta", "xã Than Uyên", "xã Mường Than",
    "xã Khoen On", "xã Mường Kim", "xã Tà Hừa",
]
USERS = [  # username, full name, role, unit name
    ("laichau", "Tống Thanh Hải", "leader", PROVINCE),
    ("skhcn", "Lò Thị Thu", "staff", SCIENCE),
    ("ttdlcl", "Phạm Quang Vinh", "staff", CENTRE),
    ("stuphap", "Vàng A Dính", "staff", JUSTICE),
    ("ld_doanket", "Tẩn Thị Mai", "leader", "UBND phường Đoàn Kết"),
    ("buudienlc", "Đỗ Minh Tâm", "staff", POST),
    ("congan_lc", "Lường Văn Nam", "staff", POLICE),
]
# Every commune has its own staff: what a commune sends is signed by one of its people.
FAMILY = ["Lò", "Tẩn", "Sùng", "Vàng", "Lường", "Giàng", "Hoàng", "Nguyễn", "Chảo", "Pờ"]
GIVEN = ["Văn Hùng", "Thị Lan", "A Páo", "Thị Dung", "Văn Chiến", "Thị Hiền", "A Sử", "Văn Quân", "Thị Mỷ"]


def commune_username(name: str) -> str:
    """"phường Tân Phong" -> "tanphong", "xã Bình Lư" -> "binhlu"."""
    return fold(name.split(" ", 1)[1]).replace(" ", "")
ISSUED = date(2025, 11, 19)  # the plan's own date; the demo moves it


def _placed(now: datetime) -> timedelta:
    """Whole weeks from the plan's date to about three weeks before now: weekdays stay as they were."""
    weeks = round(((now.date() - timedelta(days=21)) - ISSUED).days / 7)
    return timedelta(weeks=weeks)


def _units(now, mail_domain, password, method):
    u = {}

    def add(name, kind, parent=None, **fields):
        u[name] = create_unit(name, kind, u[parent] if parent else None, now=now, **fields)

    add(PROVINCE, "ubnd_tinh")
    add(OFFICE, "van_phong", PROVINCE)
    for name in (SCIENCE, JUSTICE, CULTURE, FINANCE):
        add(name, "so_nganh", PROVINCE)
    add(CENTRE, "don_vi_truc_thuoc", SCIENCE)
    add(APPLICATION_CENTRE, "don_vi_truc_thuoc", SCIENCE)
    add(POST, "buu_dien", PROVINCE)
    add(POLICE, "cong_an", PROVINCE)
    for position, name in enumerate(COMMUNES, 1):
        add(f"UBND {name}", "ubnd_xa", PROVINCE, position=position)
    people = list(USERS) + [(commune_username(name), f"{FAMILY[i % len(FAMILY)]} {GIVEN[(i * 5) % len(GIVEN)]}",
                             "staff", f"UBND {name}") for i, name in enumerate(COMMUNES)]
    users = {username: create_user(username, password, full_name, role, u[unit], method=method, now=now,
                                   email=f"{username}@{mail_domain}")
             for username, full_name, role, unit in people}
    staff = {unit: users[username] for username, _, role, unit in people if role == "staff"}
    return u, users, staff


def _directive(u, at, now):
    return Directive.create(
        number="7360/KH-UBND", issued_on=at(ISSUED).date(), issued_precision="day", issuer=u[PROVINCE],
        place="Lai Châu",
        subject="Kế hoạch triển khai thi hành Luật sửa đổi, bổ sung một số điều của Luật Tiêu chuẩn và quy chuẩn "
                "kỹ thuật trên địa bàn tỉnh Lai Châu",
        legal_bases="Quyết định số 2138/QĐ-TTg ngày 27 tháng 9 năm 2025 của Thủ tướng Chính phủ ban hành Kế hoạch "
                    "triển khai thi hành Luật sửa đổi, bổ sung một số điều của Luật Tiêu chuẩn và quy chuẩn kỹ thuật",
        recipients="Các sở, ngành\nUBND các xã, phường",
        copies="\n".join(["Bộ Khoa học và Công nghệ", "Thường trực HĐND tỉnh", "Chủ tịch, các Phó chủ tịch UBND tỉnh",
                          "Các sở, ngành", "UBND các xã, phường", "Văn phòng UBND tỉnh: V, CB", "Lưu: VT, Vx3"]),
        signing_authority="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", signer_title="PHÓ CHỦ TỊCH",
        signer_name="Tống Thanh Hải", created_at=now)


def _tasks(directive, u, at, now):
    communes = [u[f"UBND {name}"] for name in COMMUNES]
    science, justice, culture = u[SCIENCE], u[JUSTICE], u[CULTURE]
    review_due = at(date(2025, 12, 15)).date()
    plan_due = at(date(2025, 12, 5)).date()
    section = "II. NỘI DUNG KẾ HOẠCH"
    communes_label = "UBND các xã, phường"
    specs = [
        (section, "II.1", "Trên cơ sở tài liệu do Trung ương biên soạn, tổ chức tuyên truyền, phổ biến, giáo dục "
         "pháp luật, tập huấn, bồi dưỡng nghiệp vụ về nội dung Luật và các văn bản quy định chi tiết thi hành Luật.",
         "Quý IV năm 2025 và các năm tiếp theo", {"deadline_kind": dl.ONGOING}, "",
         [science, justice, culture], communes),
        (section, "II.2", "Rà soát các văn bản quy phạm pháp luật có liên quan đến Luật thuộc phạm vi, lĩnh vực, địa "
         "bàn quản lý; gửi kết quả rà soát kèm theo đề xuất sửa đổi, bổ sung, thay thế, bãi bỏ cụ thể từng văn bản "
         "về Sở Khoa học và Công nghệ để tổng hợp báo cáo Chủ tịch UBND tỉnh.",
         f"Văn bản không ghi thời hạn; hạn do quản trị đặt: {review_due:%d/%m/%Y}",
         {"deadline_kind": dl.FIXED, "deadline_date": review_due}, communes_label, communes, []),
        (section, "II.4", "Phối hợp kiểm tra việc thi hành Luật và các văn bản quy định chi tiết, hướng dẫn thi hành "
         "Luật.", "Năm 2026 và các năm tiếp theo", {"deadline_kind": dl.ONGOING}, "", [science], communes),
        ("IV. TỔ CHỨC THỰC HIỆN", "IV.2", "Xây dựng kế hoạch chi tiết triển khai thi hành Luật trong phạm vi quản lý "
         "của UBND xã, phường.", f"Văn bản không ghi thời hạn; hạn do quản trị đặt: {plan_due:%d/%m/%Y}",
         {"deadline_kind": dl.FIXED, "deadline_date": plan_due}, communes_label, communes, []),
        ("IV. TỔ CHỨC THỰC HIỆN", "IV.3", "Báo cáo kết quả tuyên truyền, rà soát văn bản và triển khai thi hành Luật "
         "về UBND tỉnh (qua Sở Khoa học và Công nghệ).",
         "Văn bản ghi «theo quy định»; đặt định kỳ thứ Sáu hằng tuần, trước 16 giờ",
         {"deadline_kind": dl.WEEKLY, "weekday": 4, "deadline_time": time(16, 0),
          "window_start": at(ISSUED).date()}, communes_label, communes, []),
    ]
    tasks = {}
    for position, (sect, number, text, wording, rule, addressed, lead, coop) in enumerate(specs, 1):
        tasks[number] = save_task(Task(directive=directive, section=sect, position=position, number=number, text=text,
                                       deadline_text=wording, addressed_to=addressed, **rule), lead, coop, now=now)
    return tasks


TITLE = "GIAO CHỈ TIÊU TUYÊN TRUYỀN, PHỔ BIẾN VÀ RÀ SOÁT VĂN BẢN THI HÀNH LUẬT NĂM {năm}"


def _weekly_set(u, directive, task, year: int, now):
    """The communes' weekly report as figures: scoped to the province, its rows the communes, with the
    year's targets per commune in an appendix of its own (the province's 38 rows, no districts)."""
    indicator_set = sets.create_set(directive, "Kết quả triển khai thi hành Luật hằng tuần của UBND cấp xã", task,
                                    u[PROVINCE], "", "year", now=now)
    sets.save_definition(indicator_set, [
        sets.IndicatorInput(None, "Số hội nghị, lớp tuyên truyền, tập huấn trong tuần", aggregation="period"),
        sets.IndicatorInput(None, "Số lượt người được phổ biến trong tuần", aggregation="period", has_targets=True),
        sets.IndicatorInput(None, "Số văn bản quy phạm pháp luật đã rà soát", aggregation="cumulative",
                            has_targets=True)], [], now=now)
    _, people, documents = sets.indicators_of(indicator_set)
    group = sets.groups_of(indicator_set)[0]
    sets.save_columns(indicator_set, [
        sets.ColumnInput(1, people.id, group.id, 0, label="Số lượt người được phổ biến năm {năm}"),
        sets.ColumnInput(2, documents.id, group.id, 0, label="Số văn bản rà soát năm {năm}")],
        "Phụ lục", TITLE, now=now)
    values = {}
    for index, name in enumerate(COMMUNES):
        unit = u[f"UBND {name}"]
        values[(unit.id, people.id, group.id, 0)] = float(300 + (index * 37) % 500)
        values[(unit.id, documents.id, group.id, 0)] = float(4 + index % 6)
    targets.upsert_targets(indicator_set, values, year, now)
    return indicator_set


def _lead(task, unit):
    return Assignment.get((Assignment.task == task.id) & (Assignment.unit == unit.id)
                          & Assignment.delegated_from.is_null())


def _history(u, users, staff, tasks, indicator_set, at, now):
    """Sixteen communes send their weekly figures, mostly on time, a few late, a few not at all; some have
    finished their detailed plan (confirmed, one returned, one waiting), one asks for more time; the
    Sở asks the communes for their input on dissemination and a few answer."""
    def happened(when):
        return when <= now

    science, leader = users["skhcn"], users["laichau"]
    occurrences.ensure_current(now)
    by_id = {u[f"UBND {name}"].id: u[f"UBND {name}"] for name in COMMUNES}
    indicators = sets.indicators_of(indicator_set)
    group = sets.groups_of(indicator_set)[0]
    reviewed = {}
    weekly = (Occurrence.select(Occurrence, Assignment).join(Assignment)
              .where(Assignment.task == tasks["IV.3"].id).order_by(Occurrence.due_at, Assignment.unit))
    reporting = set(list(by_id)[:16])  # the others have sent nothing yet
    for index, occurrence in enumerate(o for o in weekly if o.assignment.unit_id in reporting):
        unit = by_id[occurrence.assignment.unit_id]
        if index % 9 == 4:
            continue  # not sent
        when = occurrence.due_at + (timedelta(hours=20) if index % 7 == 2 else -timedelta(hours=3))
        if not happened(when):
            continue
        reviewed[unit.id] = reviewed.get(unit.id, 0) + (index % 4)
        numbers = (1 + index % 3, 40 + (index * 13) % 90, reviewed[unit.id])
        row = figures.RowInput({(i.id, group.id): float(n) for i, n in zip(indicators, numbers)})
        author = staff[unit.name]
        figures.save(indicator_set, unit, occurrence.due_at.date(), {unit.id: row}, author.id, when,
                     note="Báo cáo kết quả triển khai thi hành Luật trong tuần.")

    plan = tasks["IV.2"]
    for index, name in enumerate(COMMUNES[:14]):
        unit = u[f"UBND {name}"]
        reported = at(date(2025, 11, 24)) + timedelta(days=index // 2, hours=8 + index % 3)
        if not happened(reported):
            continue
        assignment = _lead(plan, unit)
        post_update(assignment, assignment.version, staff[unit.name].id, "done", 100,
                    f"Đã ban hành kế hoạch chi tiết của {name}.", None, reported)
        assignment = Assignment.get_by_id(assignment.id)
        if index == 3:
            if happened(reported + timedelta(hours=6)):
                followup.return_(assignment, leader.id, "Kế hoạch chưa phân công cụ thể cho công chức phụ trách; "
                                 "đề nghị bổ sung rồi báo cáo lại.", reported + timedelta(hours=6))
        elif index != 5 and happened(reported + timedelta(days=1)):
            followup.confirm(assignment, leader.id, reported + timedelta(days=1))
    late = _lead(plan, u[f"UBND {COMMUNES[20]}"])
    asked = at(date(2025, 12, 1), 9)
    if happened(asked):
        followup.request_extension(late, staff[late.unit.name].id, at(date(2025, 12, 12)).date(),
                                   "Xã vừa sáp nhập, đang kiện toàn công chức văn hóa - xã hội; xin lùi hạn.", asked)

    dissemination = tasks["II.1"]
    for index, name in enumerate(COMMUNES[:6]):
        partner = Cooperation.get((Cooperation.task == dissemination.id) & (Cooperation.unit == u[f"UBND {name}"].id))
        when = at(date(2025, 11, 26), 10) + timedelta(days=index)
        if happened(when):
            cooperation.send_input(partner, staff[f"UBND {name}"].id,
                                   f"Đã lồng ghép phổ biến Luật trong hội nghị giao ban của {name}.",
                                   f"Số người dự: {30 + 7 * index}", None, when)
    asked_again = at(date(2025, 12, 2), 8)
    if happened(asked_again):
        partner = Cooperation.get((Cooperation.task == dissemination.id)
                                  & (Cooperation.unit == u[f"UBND {COMMUNES[10]}"].id))
        cooperation.ask(partner, science.id, at(date(2025, 12, 8)).date(),
                        "Đề nghị xã gửi kết quả phối hợp tuyên truyền để Sở tổng hợp.", asked_again)
    science_lead = _lead(dissemination, u[SCIENCE])
    when = at(date(2025, 11, 28), 15)
    if happened(when):
        post_update(science_lead, science_lead.version, science.id, "in_progress", 40,
                    "Đã tổ chức hội nghị tập huấn cấp tỉnh; đang hướng dẫn các xã, phường.", None, when)
    # The Sở passes the training of the communes' officials to its centre (delegation on two tiers).
    when = at(date(2025, 11, 25), 8)
    if happened(when):
        training = at(date(2025, 12, 19)).date()
        [child] = followup.delegate(science_lead, [u[CENTRE]], training,
                                    "Tổ chức tập huấn nghiệp vụ về tiêu chuẩn, quy chuẩn kỹ thuật cho công chức các xã, "
                                    "phường.", science.id, when)
        done = at(date(2025, 12, 3), 16)
        if happened(done):
            post_update(child, child.version, users["ttdlcl"].id, "done", 100,
                        "Đã tập huấn 2 lớp cho 76 công chức của 38 xã, phường.", None, done)


def load(now: datetime, password: str, method: str, mail_domain: str) -> None:
    """The two-tier province, inside the demo's transaction."""
    shift = _placed(now)

    def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
        return datetime.combine(day + shift, time(hour, minute))
    u, users, staff = _units(now, mail_domain, password, method)
    directive = _directive(u, at, now)
    tasks = _tasks(directive, u, at, now)
    indicator_set = _weekly_set(u, directive, tasks["IV.3"], directive.issued_on.year, now)
    _history(u, users, staff, tasks, indicator_set, at, now)
