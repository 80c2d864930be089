from wtforms import BooleanField, StringField, ValidationError

from ..forms import Form
from ..rules.input import InputError, parse_email


class EmailFieldMixin:
    def validate_email(self, field):
        try:
            field.data = parse_email(field.data)
        except InputError as exc:
            raise ValidationError(str(exc)) from None


class AccountForm(EmailFieldMixin, Form):
    email = StringField("Địa chỉ e-mail", render_kw={"type": "email", "autocomplete": "email", "inputmode": "email"},
                        description="Để nhận thư tổng hợp thông báo hằng ngày.")
    email_reminders = BooleanField("Nhận thư tổng hợp thông báo hằng ngày qua e-mail",
                                   description="Bỏ chọn để thôi nhận e-mail; thông báo vẫn hiện trong ứng dụng.")
