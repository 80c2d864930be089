"""Admin forms. Unit choices come from the database, so the views fill them in."""
from wtforms import (
    BooleanField,
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

from ..forms import Form, choices
from ..models import ROLES, UNIT_KINDS
from ..rules.deadlines import KIND_LABELS, RELATIVE, WEEKDAY_LABELS
from ..rules.input import DAY_HELP, PARTIAL_DATE_HELP, InputError, clean_lines, parse_partial_date, read_rule

NONE = ""  # the value of a select's blank option


def optional_int(value):
    """Coerce for selects whose first option is blank: '' -> None."""
    if value in (None, NONE, "None"):
        return None
    return int(value)


def blank_first(label, options) -> list:
    return choices([(NONE, label), *options])


def add_error(field, message) -> None:
    """Attach a message found after validation (field.errors may still be a tuple)."""
    field.errors = [*field.errors, message]


def too_long(n):
    return Length(max=n, message=f"Tối đa {n} ký tự.")


class DirectiveForm(Form):
    number = StringField("Số, ký hiệu", validators=[too_long(100)],
                         description="Ví dụ 159/KH-UBND; văn bản chưa có số: /UBND-KGVX.")
    issued = StringField("Ngày ban hành", description=f"{PARTIAL_DATE_HELP} Để trống nếu chưa có.")
    issuer = SelectField("Cơ quan ban hành", coerce=optional_int,
                         validators=[InputRequired("Vui lòng chọn cơ quan ban hành.")])
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
            "number": self.number.data.strip(), "issued_on": issued_on, "issued_precision": precision,
            "issuer": self.issuer.data, "place": self.place.data.strip(),
            "subject": self.subject.data.strip(), "legal_bases": clean_lines(self.legal_bases.data),
            "recipients": clean_lines(self.recipients.data), "copies": clean_lines(self.copies.data),
            "signing_authority": clean_lines(self.signing_authority.data),
            "signer_title": self.signer_title.data.strip(), "signer_name": self.signer_name.data.strip(),
            "needs_confirmation": bool(self.needs_confirmation.data),
        }


RULE_INPUTS = ("deadline_date", "deadline_time", "weekday", "month_day", "window_start", "window_end")
MULTI_HINT = "Giữ phím Ctrl (trên Mac: Cmd) khi bấm để chọn nhiều đơn vị hoặc bỏ chọn một đơn vị."


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
    # The relative kinds need their count and base fields on this form first.
    deadline_kind = SelectField("Loại thời hạn", choices=choices({k: v for k, v in KIND_LABELS.items()
                                                                  if k not in RELATIVE}),
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
    lead_units = SelectMultipleField("Đơn vị chủ trì", coerce=int, description=MULTI_HINT)
    group_kind = SelectField("Thêm cả nhóm: loại đơn vị", choices=blank_first("— Không dùng —", UNIT_KINDS.items()),
                             description="Mọi đơn vị đang hoạt động thuộc loại này sẽ được giao chủ trì.")
    group_parent = SelectField("… trực thuộc đơn vị", coerce=optional_int,
                               description="Tính cả các cấp bên dưới. Để trống: trong toàn bộ hệ thống.")
    cooperating_units = SelectMultipleField("Đơn vị phối hợp", coerce=int,
                                            description=f"{MULTI_HINT} Đơn vị đã chủ trì thì không tính phối hợp.")

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
        return ok and not errors

    def task_fields(self) -> dict:
        return {
            "section": self.section.data.strip(), "number": self.number.data.strip(),
            "position": self.position.data, "text": self.text.data.strip(),
            "addressed_to": self.addressed_to.data.strip(), "deadline_text": self.deadline_text.data.strip(),
            **self.rule_fields,
        }


class UnitForm(Form):
    name = StringField("Tên đơn vị", validators=[DataRequired("Vui lòng nhập tên đơn vị."), too_long(200)])
    kind = SelectField("Loại đơn vị", choices=choices(UNIT_KINDS),
                       validators=[InputRequired("Vui lòng chọn loại đơn vị.")])
    # validate_choice is off so that a parent inside the unit's own subtree gets the clear message
    # from core.units.parent_error rather than "not a valid choice".
    parent = SelectField("Đơn vị cấp trên", coerce=optional_int, validate_choice=False,
                         description="Để trống nếu là đơn vị gốc.")
    active = BooleanField("Đang hoạt động", description="Bỏ chọn khi đơn vị giải thể; lịch sử vẫn được giữ.")
    merged_into = SelectField("Đã sáp nhập vào", coerce=optional_int,
                              description="Chọn khi đơn vị đã sáp nhập vào đơn vị khác; đơn vị sẽ ngừng hoạt động.")


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
    role = SelectField("Vai trò", choices=choices(ROLES), validators=[InputRequired("Vui lòng chọn vai trò.")])
    unit = SelectField("Đơn vị", coerce=optional_int, validators=[InputRequired("Vui lòng chọn đơn vị.")])
    active = BooleanField("Đang hoạt động", description="Bỏ chọn để khóa tài khoản (người dùng không đăng nhập được).")


class NewUserForm(UserForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập."), USERNAME_RULE],
                           render_kw={"autocomplete": "off", "autocapitalize": "none"})
    password = password_field("Mật khẩu")
    confirm = confirm_field()
