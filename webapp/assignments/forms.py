from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import Form, choices
from ..rules.input import InputError, parse_day
from ..rules.progress import STATES, percent_error


class UpdateForm(Form):
    state = SelectField("Tình trạng", choices=choices(STATES),
                        validators=[InputRequired("Vui lòng chọn tình trạng.")])
    percent = IntegerField("Tiến độ (%)", validators=[
        Optional(), NumberRange(0, 100, "Tiến độ phải là số từ 0 đến 100.")])
    note = TextAreaField("Ghi chú", filters=[lambda text: text or ""],
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
    note = TextAreaField("Nội dung báo cáo", filters=[lambda text: text or ""],
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
