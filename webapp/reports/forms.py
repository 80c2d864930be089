from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..forms import Form, choices


class NewReportForm(Form):
    """The month is two selects (month, year): a month input is not offered by every browser."""
    unit = SelectField("Đơn vị báo cáo", coerce=int)
    directive = SelectField("Văn bản", coerce=int)
    month = SelectField("Tháng", coerce=int, choices=choices((m, f"Tháng {m:02d}") for m in range(1, 13)))
    year = SelectField("Năm", coerce=int)  # choices around the current year, set by the view


class DraftForm(Form):
    number = StringField("Số, ký hiệu", validators=[Length(max=100)])
    place = StringField("Địa danh (dòng ngày tháng)", validators=[Length(max=100)])
    recipients = TextAreaField("Kính gửi (mỗi dòng một nơi)", validators=[Length(max=2000)])
    assessment = TextAreaField("V. Đánh giá, kiến nghị", validators=[Length(max=20000)])
    copies = TextAreaField("Nơi nhận (mỗi dòng một nơi)", validators=[Length(max=2000)])
    signing_authority = TextAreaField("Thẩm quyền ký (ví dụ: KT. GIÁM ĐỐC)", validators=[Length(max=200)])
    signer_title = StringField("Chức vụ người ký", validators=[Length(max=200)])
    signer_name = StringField("Họ tên người ký", validators=[Length(max=200)])
