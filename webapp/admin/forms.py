"""Admin forms. Unit choices come from the database, so the views fill them in."""
from wtforms import (
    BooleanField,
    FileField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..core.indicators import ColumnInput, GroupInput, IndicatorInput
from ..forms import NONE, Form, UnitPickField, choices, optional_int
from ..models import AGGREGATIONS, ROLES, TARGET_PERIODS, UNIT_KINDS
from ..rules.deadlines import COUNTED_FROM_LABELS, KIND_LABELS, MAX_DAYS, WEEKDAY_LABELS
from ..rules.input import (
    DAY_HELP,
    KIND_FIELDS,
    PARTIAL_DATE_HELP,
    InputError,
    clean_lines,
    parse_day,
    parse_email,
    parse_partial_date,
    read_rule,
)


def blank_first(label, options) -> list:
    return choices([(NONE, label), *options])


def add_error(field, message) -> None:
    """Attach a message found after validation (field.errors may still be a tuple)."""
    field.errors = [*field.errors, message]


def stripped(value) -> str:
    """A text field's value trimmed; a field left out of the post altogether (None) is blank."""
    return (value or "").strip()


def too_long(n):
    return Length(max=n, message=f"Tối đa {n} ký tự.")


class DirectiveForm(Form):
    number = StringField("Số, ký hiệu", validators=[too_long(100)],
                         description="Ví dụ 159/KH-UBND; văn bản chưa có số: /UBND-KGVX.")
    issued = StringField("Ngày ban hành", description=f"{PARTIAL_DATE_HELP} Để trống nếu chưa có.")
    issuer = UnitPickField("Cơ quan ban hành", required_message="Vui lòng chọn cơ quan ban hành.")
    place = StringField("Địa danh", validators=[too_long(100)], description="Ví dụ: Quảng Trị.")
    subject = TextAreaField("Trích yếu", render_kw={"rows": 2},
                            validators=[DataRequired("Vui lòng nhập trích yếu."), too_long(2000)],
                            description="Ví dụ: V/v tăng cường thực hiện chi trả an sinh xã hội không dùng tiền mặt.")
    legal_bases = TextAreaField("Căn cứ", render_kw={"rows": 4}, description="Mỗi văn bản căn cứ một dòng.")
    recipients = TextAreaField("Kính gửi", render_kw={"rows": 4}, description="Mỗi nơi nhận một dòng.")
    copies = TextAreaField("Nơi nhận", render_kw={"rows": 4}, description="Mỗi nơi nhận một dòng.")
    signing_authority = TextAreaField("Thẩm quyền ký", render_kw={"rows": 2}, validators=[too_long(200)],
                                      description="Mỗi dòng một cấp, ví dụ “TM. ỦY BAN NHÂN DÂN” rồi “KT. CHỦ TỊCH”.")
    signer_title = StringField("Chức vụ người ký", validators=[too_long(200)],
                               description="Ví dụ: PHÓ CHỦ TỊCH.")
    signer_name = StringField("Họ tên người ký", validators=[too_long(200)])
    shift_days_off = BooleanField(
        "Hạn trùng ngày nghỉ dời sang ngày làm việc tiếp theo (Điều 148 Bộ luật Dân sự 2015)",
        description="Áp dụng cho hạn cố định, trong tháng và trong N ngày; bỏ chọn nếu văn bản yêu cầu "
                    "hoàn thành cả trong ngày nghỉ.")
    needs_confirmation = BooleanField(
        "Cần xác nhận hoàn thành", default=True,
        description="Khi đơn vị báo cáo hoàn thành, cơ quan ban hành (hoặc đơn vị giao tiếp) xác nhận hoặc trả lại; "
                    "bỏ chọn với đơn vị nhỏ: báo cáo hoàn thành được tính ngay.")

    def validate_issued(self, field):
        try:
            self.issued_value = parse_partial_date(field.data)
        except InputError as exc:
            raise ValidationError(str(exc)) from None

    def directive_fields(self) -> dict:
        """The model fields, cleaned: one item per line in the list fields."""
        issued_on, precision = self.issued_value
        return {
            "number": stripped(self.number.data), "issued_on": issued_on, "issued_precision": precision,
            "issuer": self.issuer.data, "place": stripped(self.place.data),
            "subject": stripped(self.subject.data), "legal_bases": clean_lines(self.legal_bases.data),
            "recipients": clean_lines(self.recipients.data), "copies": clean_lines(self.copies.data),
            "signing_authority": clean_lines(self.signing_authority.data),
            "signer_title": stripped(self.signer_title.data), "signer_name": stripped(self.signer_name.data),
            "shift_days_off": bool(self.shift_days_off.data),
            "needs_confirmation": bool(self.needs_confirmation.data),
        }


MAX_PASTE_CHARS = 200_000  # a long plan with its appendices is well under this


class ReadDirectiveForm(Form):
    """"Thêm văn bản" from the document itself: its text pasted, or the file."""
    text = TextAreaField("Dán nội dung văn bản", render_kw={"rows": 10, "spellcheck": "false"},
                         validators=[too_long(MAX_PASTE_CHARS)],
                         description="Chép toàn bộ công văn (từ Word, PDF hoặc trang web), kể cả phần đầu và nơi nhận, "
                                     "rồi dán vào đây.")
    file = FileField("Hoặc chọn tệp văn bản", render_kw={"accept": ".docx,.pdf,.txt"},
                     description="Tệp .docx, .pdf có lớp chữ (không phải bản quét) hoặc .txt, tối đa 10 MB; tệp được "
                                 "lưu làm tệp đính kèm của văn bản.")


RULE_INPUTS = ("deadline_date", "deadline_time", "weekday", "month_day", "window_start", "window_end",
               "deadline_n", "counted_from", "working_days_only")


class TaskForm(Form):
    section = StringField("Mục", validators=[too_long(300)],
                          description="Tiêu đề mục trong văn bản, ví dụ “1. Sở Lao động - Thương binh và Xã hội”.")
    number = StringField("Số thứ tự", validators=[too_long(20)], description="Ví dụ: 1.2")
    position = IntegerField("Vị trí sắp xếp", validators=[Optional(), NumberRange(0, 100000)],
                            description="Nhiệm vụ được xếp theo số này; để trống để đưa xuống cuối.")
    text = TextAreaField("Nội dung nhiệm vụ", render_kw={"rows": 5},
                         validators=[DataRequired("Vui lòng nhập nội dung nhiệm vụ.")])
    addressed_to = StringField("Giao cho (theo văn bản)", validators=[too_long(300)],
                               description="Tên nhóm như văn bản ghi, ví dụ “UBND các huyện, thị xã, thành phố”.")
    deadline_text = StringField("Thời hạn (nguyên văn)", validators=[too_long(300)],
                                description="Ví dụ: “Hoàn thành trong tháng 01 năm 2024”.")
    deadline_kind = SelectField("Loại thời hạn", choices=choices(KIND_LABELS),
                                validators=[InputRequired("Vui lòng chọn loại thời hạn.")])
    deadline_date = StringField("Ngày hạn",
                                description="Hạn cố định, ngay: dd/mm/yyyy. Trong tháng: mm/yyyy (01/2024).")
    deadline_time = StringField("Giờ hạn", description="HH:MM, ví dụ 09:00. Bắt buộc với báo cáo hằng ngày, hằng tuần.")
    weekday = SelectField("Thứ trong tuần", coerce=optional_int,
                          choices=blank_first("—", enumerate(WEEKDAY_LABELS)),
                          description="Cho báo cáo hằng tuần.")
    month_day = IntegerField("Ngày trong tháng", validators=[Optional()],
                             description="Báo cáo hằng tháng: trước ngày này (ví dụ 28); để trống là cuối tháng.")
    window_start = StringField("Đợt từ ngày", description=f"Không bắt buộc (đợt cao điểm). {DAY_HELP}")
    window_end = StringField("Đến ngày", description="Không bắt buộc.")
    deadline_n = StringField("Số ngày", description=f"Ví dụ 05 trong “trong vòng 05 ngày làm việc”; từ 1 đến {MAX_DAYS}.")
    counted_from = SelectField("Tính từ", choices=choices({k: f"Kể từ {v}" for k, v in COUNTED_FROM_LABELS.items()}),
                               description="Ngày nhận văn bản: mỗi đơn vị một ngày, mặc định là ngày được giao việc.")
    working_days_only = BooleanField("Chỉ ngày làm việc", description=(
        "Hằng ngày: không phải nộp vào thứ Bảy, Chủ nhật, ngày lễ, Tết. Hằng tuần, hằng tháng: hạn trùng ngày "
        "nghỉ dời sang ngày làm việc tiếp theo."))
    lead_units = SelectMultipleField("Đơn vị chủ trì", coerce=int,
                                     description="Đánh dấu từng đơn vị, hoặc chọn cả nhóm ở dưới.")
    group_kind = SelectField("Thêm cả nhóm: loại đơn vị", choices=blank_first("— Không dùng —", UNIT_KINDS.items()),
                             description="Mọi đơn vị đang hoạt động thuộc loại này sẽ được giao chủ trì.")
    group_parent = SelectField("… trực thuộc đơn vị", coerce=optional_int,
                               description="Tính cả các cấp bên dưới. Để trống: trong toàn bộ hệ thống.")
    cooperating_units = SelectMultipleField("Đơn vị phối hợp", coerce=int,
                                            description="Đơn vị đã chủ trì thì không tính phối hợp.")

    def kind_fields(self) -> tuple:
        """The deadline inputs the chosen kind uses: the form shows these only."""
        return KIND_FIELDS.get(self.deadline_kind.data, ())

    # Labels and hints that depend on the kind: (label, description) per field and kind.
    KIND_TEXTS = {
        ("deadline_date", "within_month"): ("Tháng", "Nhập tháng dạng mm/yyyy, ví dụ 01/2024: hạn là hết ngày cuối tháng."),
        ("deadline_date", "fixed"): ("Ngày hạn", DAY_HELP),
        ("deadline_date", "immediate"): ("Ngày hạn do quản trị đặt", f"Văn bản ghi “ngay”, “khẩn trương”. {DAY_HELP}"),
        ("deadline_time", "fixed"): ("Giờ hạn", "Không bắt buộc (HH:MM); để trống là hết ngày."),
        ("deadline_time", "immediate"): ("Giờ hạn", "Không bắt buộc (HH:MM); để trống là hết ngày."),
        ("deadline_time", "daily"): ("Nộp trước giờ", "HH:MM, ví dụ 09:00."),
        ("deadline_time", "weekly"): ("Nộp trước giờ", "HH:MM, ví dụ 14:00."),
    }

    def prepare_deadline_fields(self) -> tuple:
        """Set the kind's labels and hints, and return the names of the fields to show."""
        kind = self.deadline_kind.data
        for name in self.kind_fields():
            texts = self.KIND_TEXTS.get((name, kind))
            if texts:
                self[name].label.text, self[name].description = texts
        return self.kind_fields()

    def validate(self, extra_validators=None):
        """Field checks, then the deadline rule: each message beside the field it is about."""
        ok = super().validate(extra_validators)
        if self.deadline_kind.errors:
            return False
        raw = {name: getattr(self, name).data for name in RULE_INPUTS}
        self.rule_fields, errors = read_rule(self.deadline_kind.data, raw)
        for name, message in errors.items():
            if not getattr(self, name).errors:  # keep the field's own message (e.g. not a number)
                add_error(getattr(self, name), message)
        # Said here too (core checks again) so that it shows with every other problem at once.
        if not self.lead_units.data and not self.group_kind.data and not self.lead_units.errors:
            add_error(self.lead_units, "Chọn ít nhất một đơn vị chủ trì, hoặc một nhóm đơn vị.")
            ok = False
        return ok and not errors

    def task_fields(self) -> dict:
        return {
            "section": stripped(self.section.data), "number": stripped(self.number.data),
            "position": self.position.data, "text": stripped(self.text.data),
            "addressed_to": stripped(self.addressed_to.data), "deadline_text": stripped(self.deadline_text.data),
            **self.rule_fields,
        }


class UnitForm(Form):
    name = StringField("Tên đơn vị", validators=[DataRequired("Vui lòng nhập tên đơn vị."), too_long(200)])
    kind = SelectField("Loại đơn vị", choices=choices(UNIT_KINDS),
                       validators=[InputRequired("Vui lòng chọn loại đơn vị.")])
    abbreviation = StringField(
        "Tên viết tắt (ký hiệu văn bản)", validators=[too_long(30)],
        description="Ghi trong số, ký hiệu văn bản của đơn vị, ví dụ SLĐTBXH trong “Số: 12/BC-SLĐTBXH”. "
                    "Để trống khi thêm mới: lấy chữ cái đầu của tên đơn vị.")
    # validate_choice is off so that a parent inside the unit's own subtree gets the clear message
    # from core.units.parent_error rather than "not a valid choice".
    parent = UnitPickField("Đơn vị cấp trên", description="Để trống nếu là đơn vị gốc.")
    active = BooleanField("Đang hoạt động", description="Bỏ chọn khi đơn vị giải thể; lịch sử vẫn được giữ.")
    merged_into = UnitPickField("Đã sáp nhập vào",
                                description="Chọn khi đơn vị đã sáp nhập vào đơn vị khác; đơn vị sẽ ngừng hoạt động.")
    position = IntegerField("Thứ tự chính thức", validators=[Optional(), NumberRange(0, 9999)],
                            description="Thứ tự trong đơn vị cấp trên mà các phụ lục in (1, 2, 3 …); để trống "
                                        "hoặc 0: xếp sau, theo tên.")

    def validate_abbreviation(self, field):
        value = "".join((field.data or "").split()).upper()
        if any(not (c.isalnum() or c in ".&") for c in value.replace("-", "")):
            raise ValidationError("Tên viết tắt chỉ gồm chữ cái, chữ số và dấu gạch ngang (-), không có dấu cách "
                                  "hay dấu gạch chéo (/).")
        field.data = value


USERNAME_RULE = Regexp(r"^[A-Za-z0-9._-]{3,60}$", message=(
    "Tên đăng nhập gồm 3–60 ký tự: chữ cái không dấu, chữ số, dấu chấm (.), gạch dưới (_) hoặc gạch ngang (-)."))


def password_field(label):
    return PasswordField(label, validators=[
        DataRequired("Vui lòng nhập mật khẩu."),
        Length(min=8, max=200, message="Mật khẩu phải có từ 8 đến 200 ký tự.")],
        render_kw={"autocomplete": "new-password"})


def confirm_field():
    return PasswordField("Nhập lại mật khẩu", validators=[
        EqualTo("password", message="Mật khẩu nhập lại không khớp.")],
        render_kw={"autocomplete": "new-password"})


class PasswordForm(Form):
    password = password_field("Mật khẩu mới")
    confirm = confirm_field()


class UserForm(Form):
    full_name = StringField("Họ và tên", validators=[DataRequired("Vui lòng nhập họ và tên."), too_long(200)])
    email = StringField("E-mail", render_kw={"type": "email", "autocomplete": "off", "inputmode": "email"},
                        description="Để nhận thư tổng hợp thông báo hằng ngày; người dùng tự tắt được ở trang "
                                    "“Tài khoản của tôi”.")
    role = SelectField("Vai trò", choices=choices(ROLES), validators=[InputRequired("Vui lòng chọn vai trò.")])
    unit = UnitPickField("Đơn vị", required_message="Vui lòng chọn đơn vị.")
    active = BooleanField("Đang hoạt động", description="Bỏ chọn để khóa tài khoản (người dùng không đăng nhập được).")

    def validate_email(self, field):
        try:
            field.data = parse_email(field.data)
        except InputError as exc:
            raise ValidationError(str(exc)) from None


class NewUserForm(UserForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập."), USERNAME_RULE],
                           render_kw={"autocomplete": "off", "autocapitalize": "none"})
    password = password_field("Mật khẩu")
    confirm = confirm_field()


class WorkDayForm(Form):
    day = StringField("Ngày", render_kw={"class": "date-input", "placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
    working = SelectField("Loại", choices=choices({"off": "Ngày nghỉ (nghỉ bù, nghỉ theo thông báo)",
                                                    "working": "Ngày làm bù (làm việc dù là thứ Bảy)"}),
                          validators=[InputRequired("Vui lòng chọn loại ngày.")])
    label = StringField("Ghi chú", validators=[too_long(200)],
                        description="Ví dụ: Nghỉ bù Tết theo Thông báo số 6150/TB-LĐTBXH.")

    def validate_day(self, field):
        try:
            self.day_value = parse_day(field.data)
        except InputError as exc:
            raise ValidationError(str(exc)) from None
        if self.day_value is None:
            raise ValidationError("Vui lòng nhập ngày (dd/mm/yyyy).")


# --- Indicator sets ---------------------------------------------------------------------------

class IndicatorSetForm(Form):
    name = StringField("Tên bộ chỉ tiêu", validators=[DataRequired("Vui lòng nhập tên bộ chỉ tiêu."), too_long(200)],
                       description="Ví dụ: Phụ lục 2b – tiến độ hằng ngày; Tỷ lệ tiêm chủng hằng tuần.")
    task = SelectField("Báo cáo định kỳ mà số liệu điền vào", coerce=optional_int,
                       validators=[InputRequired("Chọn nhiệm vụ báo cáo định kỳ.")],
                       description="Nộp số liệu của một kỳ là nộp kỳ báo cáo đó của nhiệm vụ.")
    scope = SelectField("Phạm vi", coerce=optional_int, validators=[InputRequired("Chọn đơn vị phạm vi.")],
                        description="Đơn vị mà các dòng của phụ lục, bảng tổng hợp là các đơn vị cấp dưới của nó "
                                    "(ví dụ UBND tỉnh: các huyện; UBND huyện: các xã).")
    reporting_kind = SelectField("Đơn vị nhập số liệu")
    target_period = SelectField("Giao chỉ tiêu", choices=choices(TARGET_PERIODS))

    def fill(self, task_options, unit_options):
        self.task.choices = blank_first("— Chọn nhiệm vụ báo cáo định kỳ —", task_options)
        self.scope.choices = blank_first("— Chọn đơn vị —", unit_options)
        self.reporting_kind.choices = choices([("", "Đơn vị chủ trì nhiệm vụ báo cáo tự nhập")] + [
            (kind, f"Các đơn vị «{label}» thuộc đơn vị chủ trì (đơn vị chủ trì nhập thay khi cần)")
            for kind, label in UNIT_KINDS.items()])


MAX_FORM_ROWS = 60


def _rows(form, prefix: str) -> list[int]:
    """The row numbers a dynamic table posted ("ind-3-name" -> 3), in order, bounded."""
    found = set()
    for key in form.keys():
        parts = key.split("-")
        if len(parts) >= 3 and parts[0] == prefix and _digits(parts[1]) and len(parts[1]) <= 3:
            found.add(int(parts[1]))
    return sorted(n for n in found if n < MAX_FORM_ROWS)


def _digits(text: str) -> bool:
    """ASCII digits only: "²" and "١٢٣" are digits to str.isdigit() but not to int()."""
    return text.isascii() and text.isdigit()


def _id(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if _digits(raw) and len(raw) <= 18 else None


def parse_definition(form):
    """(indicator rows, group rows) of the definition form, as core.indicators takes them."""
    from_form = []
    base = (form.get("base") or "").strip()
    for n in _rows(form, "ind"):
        get = lambda field: form.get(f"ind-{n}-{field}")  # noqa: E731
        aggregation = get("aggregation") or "cumulative"
        from_form.append(IndicatorInput(
            id=_id(get("id")), name=stripped(get("name"))[:201], decimals=bool(get("decimals")),
            aggregation=aggregation if aggregation in AGGREGATIONS else "?", at_most=_id(get("at_most")),
            is_base=base == str(n), has_targets=bool(get("has_targets")), retired=bool(get("retired"))))
    groups = [GroupInput(id=_id(form.get(f"grp-{n}-id")), name=stripped(form.get(f"grp-{n}-name"))[:201])
              for n in _rows(form, "grp")]
    return from_form, groups


def parse_columns(form):
    """The appendix mapping's rows: "t:<indicator>:<group>:<part>" for a target, or a formula."""
    rows = []
    for n in _rows(form, "col"):
        content = (form.get(f"col-{n}-content") or "").strip()
        formula = stripped(form.get(f"col-{n}-formula"))[:100]
        label = stripped(form.get(f"col-{n}-label"))[:301]
        indicator = group = None
        part = 0
        pieces = content.split(":")
        if len(pieces) == 4 and pieces[0] == "t" and all(_digits(p) and len(p) <= 18 for p in pieces[1:]):
            indicator, group, part = int(pieces[1]), int(pieces[2]), int(pieces[3])
        elif content and content != "f":
            indicator = -1  # not one of the set's: core refuses it by name
        if not (indicator or formula or label):
            continue
        rows.append(ColumnInput(len(rows) + 1, indicator, group, part, formula if content == "f" or not indicator
                                else "", label))
    return rows
