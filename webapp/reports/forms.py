from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp

from ..forms import Form


class NewReportForm(Form):
    unit = SelectField("Đơn vị báo cáo", coerce=int)
    directive = SelectField("Văn bản", coerce=int)
    month = StringField("Tháng báo cáo", validators=[
        InputRequired("Vui lòng chọn tháng."), Regexp(r"^\d{4}-\d{2}$", message="Tháng không hợp lệ (yyyy-mm).")])


class DraftForm(Form):
    number = StringField("Số, ký hiệu", validators=[Length(max=100)])
    place = StringField("Địa danh (dòng ngày tháng)", validators=[Length(max=100)])
    recipients = TextAreaField("Kính gửi (mỗi dòng một nơi)", validators=[Length(max=2000)])
    assessment = TextAreaField("V. Đánh giá, kiến nghị", validators=[Length(max=20000)])
    copies = TextAreaField("Nơi nhận (mỗi dòng một nơi)", validators=[Length(max=2000)])
    signing_authority = TextAreaField("Thẩm quyền ký (ví dụ: KT. GIÁM ĐỐC)", validators=[Length(max=200)])
    signer_title = StringField("Chức vụ người ký", validators=[Length(max=200)])
    signer_name = StringField("Họ tên người ký", validators=[Length(max=200)])
