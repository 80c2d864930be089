from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..forms import Form, choices, optional_int
from ..rules.input import DAY_HELP, InputError, parse_day
from ..rules.progress import REPORTABLE, percent_error

DAY_ATTRS = {"class": "date-input", "placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}


def _text():
    return [lambda text: text or ""]


class DayField(StringField):
    """A dd/mm/yyyy date typed as text (never <input type=date>, which follows the browser's
    language); `day` holds the parsed date after validation."""

    def __init__(self, label, **kwargs):
        kwargs.setdefault("render_kw", dict(DAY_ATTRS))
        kwargs.setdefault("description", DAY_HELP)
        super().__init__(label, **kwargs)
        self.day = None

    def pre_validate(self, form):
        try:
            self.day = parse_day(self.data)
        except InputError as exc:
            raise ValidationError(str(exc)) from None


class UpdateForm(Form):
    state = SelectField("Tình trạng", choices=choices(REPORTABLE),
                        validators=[InputRequired("Vui lòng chọn tình trạng.")])
    percent = IntegerField("Tiến độ (%)", validators=[
        Optional(), NumberRange(0, 100, "Tiến độ phải là số từ 0 đến 100.")])
    note = TextAreaField("Ghi chú", filters=_text(),
                         validators=[Length(max=5000, message="Ghi chú tối đa 5.000 ký tự.")])
    evidence = FileField("Tệp minh chứng (PDF, DOCX, XLSX, JPG, PNG; tối đa 10 MB)")
    version = HiddenField()

    def validate_percent(self, field):
        if message := percent_error(self.state.data, field.data):
            raise ValidationError(message)

    def seen_version(self):
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class OccurrenceForm(Form):
    note = TextAreaField("Nội dung báo cáo", filters=_text(),
                         validators=[Length(max=5000, message="Nội dung tối đa 5.000 ký tự.")])
    evidence = FileField("Tệp báo cáo (PDF, DOCX, XLSX, JPG, PNG; tối đa 10 MB)")


class ReceivedForm(Form):
    received_on = StringField("Ngày nhận văn bản", render_kw={"class": "date-input", "placeholder": "dd/mm/yyyy",
                                                               "inputmode": "numeric"})

    def validate_received_on(self, field):
        try:
            self.day = parse_day(field.data)
        except InputError as exc:
            raise ValidationError(str(exc)) from None
        if self.day is None:
            raise ValidationError("Vui lòng nhập ngày nhận văn bản (dd/mm/yyyy).")


# Several of these forms share a page: their fields get ids of their own (the names stay short).
class ConfirmForm(Form):
    note = TextAreaField("Ý kiến (không bắt buộc)", id="confirm-note", filters=_text(),
                         validators=[Length(max=2000, message="Tối đa 2.000 ký tự.")])


class ReturnForm(Form):
    reason = TextAreaField("Lý do trả lại", id="return-reason", filters=_text(),
                           validators=[Length(max=2000, message="Tối đa 2.000 ký tự.")])


class ExtensionForm(Form):
    day = DayField("Xin gia hạn đến ngày", id="extension-day")
    reason = TextAreaField("Lý do", id="extension-reason", filters=_text(),
                           validators=[Length(max=2000, message="Tối đa 2.000 ký tự.")])
    occurrence = SelectField("Kỳ báo cáo", id="extension-occurrence", coerce=optional_int,
                             validate_choice=False)


class DecisionForm(Form):
    decision = SelectField("Quyết định", choices=choices({"approve": "Đồng ý", "refuse": "Không đồng ý"}),
                           validators=[InputRequired("Vui lòng chọn đồng ý hoặc không.")])
    note = TextAreaField("Ý kiến (bắt buộc khi không đồng ý)", id="decision-note", filters=_text(),
                         validators=[Length(max=2000, message="Tối đa 2.000 ký tự.")])


class DelegateForm(Form):
    units = SelectMultipleField("Giao cho đơn vị cấp dưới", id="delegate-units", coerce=int,
                                description="Giữ phím Ctrl (trên Mac: Cmd) khi bấm để chọn nhiều đơn vị.")
    day = DayField("Hạn hoàn thành", id="delegate-day")
    instructions = TextAreaField("Nội dung giao thêm (không bắt buộc)", id="delegate-instructions", filters=_text(),
                                 validators=[Length(max=5000, message="Tối đa 5.000 ký tự.")])


class InputForm(Form):
    note = TextAreaField("Ý kiến, kết quả phối hợp", filters=_text(),
                         validators=[Length(max=5000, message="Tối đa 5.000 ký tự.")])
    figures = TextAreaField("Số liệu (không bắt buộc)", filters=_text(),
                            validators=[Length(max=2000, message="Tối đa 2.000 ký tự.")],
                            description="Ví dụ: đã mở 120 tài khoản; đã chi trả 95 đối tượng.")
    evidence = FileField("Tệp kèm theo (PDF, DOCX, XLSX, JPG, PNG; tối đa 10 MB)")


class AskForm(Form):
    day = DayField("Hạn gửi (không bắt buộc)")
    note = TextAreaField("Lời nhắn", filters=_text(), validators=[Length(max=2000, message="Tối đa 2.000 ký tự.")])
