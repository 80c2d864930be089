"""The base form: WTForms' built-in messages in Vietnamese, choices without deprecated tuples, and the
unit chosen by typing its name."""
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from .csrf import MaskedFormCSRF
from .rules.vietnamese import fold
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
        csrf_class = MaskedFormCSRF  # the token masked afresh in every page (webapp/csrf.py)

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


class UnitPickField(Field):
    """A unit chosen by typing its name: its id in a hidden input named like the field, the name in
    a search box (`<name>_q`) whose matches come under it while typing (templates/_macros.html
    unit_pick, static/pick.js). Without JavaScript the typed name is sent with the form: one match
    (or one exact) is taken, several are listed as choices (`<name>_pick`) under an error.

    The view sets `search(text, limit)` -> units and `lookup(id)` -> the unit or None (what may be
    chosen). `data` is the chosen id, or None for blank."""

    def __init__(self, label=None, validators=None, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.search = lambda text, limit: []
        self.lookup = lambda unit_id: None
        self.text = None
        self.picked = None
        self.matches = []

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.text = formdata.get(f"{self.name}_q")
            self.picked = formdata.get(f"{self.name}_pick")

    def process_formdata(self, valuelist):
        try:
            self.data = optional_int(valuelist[0]) if valuelist and valuelist[0] not in ("", None) else None
        except ValueError:
            raise ValueError("Lựa chọn không hợp lệ.") from None

    def process_data(self, value):
        self.data = value

    def label_of(self) -> str:
        unit = self.lookup(self.data) if self.data else None
        return unit.name if unit is not None else ""

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.picked not in (None, ""):
            try:
                self.data = optional_int(self.picked)
            except ValueError:
                raise StopValidation("Lựa chọn không hợp lệ.") from None
            self.text = None
        elif self.text is not None:
            text = self.text.strip()
            if not text:
                self.data = None
            elif not (self.data and fold(self.label_of()) == fold(text)):
                matches = self.search(text, 21)
                exact = [u for u in matches if fold(u.name) == fold(text)]
                if len(matches) == 1 or len(exact) == 1:
                    self.data, self.text = (exact or matches)[0].id, None
                else:
                    self.data, self.matches = None, matches[:20]
                    raise StopValidation(f"Có nhiều đơn vị khớp “{text}”: chọn một." if matches
                                         else f"Không tìm thấy đơn vị nào có “{text}”.")
        if self.data is not None and self.lookup(self.data) is None:
            raise StopValidation("Đơn vị không hợp lệ.")
        # Required as InputRequired is: the form sent must carry the field.
        if self.required_message and (self.data is None or getattr(self, "raw_data", None) is None):
            raise StopValidation(self.required_message)
