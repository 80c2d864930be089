from wtforms import SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import Length

from ..forms import Form, choices
from ..rules.input import InputError, parse_day
from ..rules.reporting import REPORT_PERIODS


class NewReportForm(Form):
    """The month is two selects (month, year): a month input is not offered by every browser."""
    unit = SelectField("Đơn vị báo cáo", coerce=int)
    directive = SelectField("Văn bản", coerce=int)
    month = SelectField("Tháng", coerce=int, choices=choices((m, f"Tháng {m:02d}") for m in range(1, 13)))
    year = SelectField("Năm", coerce=int)  # choices around the current year, set by the view


class DraftForm(Form):
    number = StringField("Số", validators=[Length(max=100)],
                         description="Văn thư ghi số khi đăng ký văn bản (ví dụ 12); để trống thì chừa chỗ trống.")
    place = StringField("Địa danh (dòng ngày tháng)", validators=[Length(max=100)])
    signed_on = StringField("Ngày ký", render_kw={"class": "date-input", "placeholder": "dd/mm/yyyy",
                                                  "inputmode": "numeric", "autocomplete": "off", "maxlength": "10"},
                            description="Ngày ghi ở dòng địa danh, ngày tháng; để trống: ngày in báo cáo (hôm nay).")
    period = SelectField("Kỳ số liệu", choices=choices(REPORT_PERIODS))
    recipients = TextAreaField("Kính gửi (mỗi dòng một nơi)", validators=[Length(max=2000)])
    assessment = TextAreaField("V. Đánh giá, kiến nghị", validators=[Length(max=20000)])
    copies = TextAreaField("Nơi nhận (mỗi dòng một nơi)", validators=[Length(max=2000)],
                           description="Dòng “Lưu: VT, …” đặt cuối; dấu “-”, “;” và “.” được thêm khi in.")
    signing_authority = TextAreaField("Thẩm quyền ký (ví dụ: KT. GIÁM ĐỐC)", validators=[Length(max=200)])
    signer_title = StringField("Chức vụ người ký", validators=[Length(max=200)])
    signer_name = StringField("Họ tên người ký", validators=[Length(max=200)])

    def validate_signed_on(self, field):
        try:
            self.signed_on_value = parse_day(field.data)
        except InputError as exc:
            raise ValidationError(str(exc)) from None

    def values(self) -> dict:
        values = {name: (getattr(self, name).data or "").strip() for name in
                  ("number", "place", "period", "recipients", "assessment", "copies", "signing_authority",
                   "signer_title", "signer_name")}
        return {**values, "signed_on": self.signed_on_value}
