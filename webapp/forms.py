"""The base form: WTForms' built-in messages in Vietnamese, and choices without deprecated tuples."""
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from .web import MAX_ID

NONE = ""  # the value of a select's blank option

VIETNAMESE = {
    "This field is required.": "Trường này bắt buộc.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Not a valid integer value.": "Phải là một số nguyên.",
    "Not a valid decimal value.": "Phải là một số.",
    "Not a valid float value.": "Phải là một số.",
    "Not a valid date value.": "Ngày không hợp lệ (dd/mm/yyyy).",
    "Not a valid datetime value.": "Thời điểm không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ (HH:MM).",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải không quá %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Field must be equal to %(other_name)s.": "Hai trường không khớp nhau.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "CSRF token missing.": "Thiếu mã bảo vệ biểu mẫu; hãy tải lại trang rồi gửi lại.",
    "CSRF token expired.": "Biểu mẫu đã hết hạn; hãy tải lại trang rồi gửi lại.",
    "Invalid CSRF Token.": "Mã bảo vệ biểu mẫu không hợp lệ; hãy tải lại trang rồi gửi lại.",
    "CSRF failed.": "Kiểm tra bảo vệ biểu mẫu thất bại; hãy tải lại trang rồi gửi lại.",
}


class _Translations:
    def gettext(self, string):
        return VIETNAMESE.get(string, string)

    def ngettext(self, singular, plural, n):
        return VIETNAMESE.get(singular if n == 1 else plural, singular if n == 1 else plural)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()


def choices(mapping) -> list[SelectChoice]:
    """SelectField choices from a {value: label} mapping or (value, label) pairs."""
    items = mapping.items() if hasattr(mapping, "items") else mapping
    return [SelectChoice(value, label) for value, label in items]


def optional_int(value):
    """Coerce for selects whose first option is blank: '' -> None. A number no row id can be is
    refused like any unreadable choice (ValueError), before it reaches the database."""
    if value in (None, NONE, "None"):
        return None
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(value)
    return number
