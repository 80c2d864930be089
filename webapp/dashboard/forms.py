"""The free parts of an urging letter a leader edits before downloading it."""
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.validators import Length

from ..forms import Form
from ..rules.input import InputError, clean_lines, parse_day

DATE_INPUT = {"class": "date-input", "placeholder": "dd/mm/yyyy", "inputmode": "numeric"}


def _too_long(n):
    return Length(max=n, message=f"Tối đa {n} ký tự.")


class LetterForm(Form):
    number = StringField("Số, ký hiệu", validators=[_too_long(100)],
                         description="Ví dụ 125/UBND-KGVX; để “/UBND-KGVX” khi văn thư sẽ ghi số.")
    place = StringField("Địa danh", validators=[_too_long(100)])
    letter_date = StringField("Ngày công văn", render_kw=DATE_INPUT)
    new_due = StringField("Hạn mới đề nghị hoàn thành", render_kw=DATE_INPUT)
    copies = TextAreaField("Nơi nhận", render_kw={"rows": 4}, description="Mỗi nơi nhận một dòng; dòng “Lưu: VT” ở cuối.")
    signing_authority = TextAreaField("Thẩm quyền ký", render_kw={"rows": 2}, validators=[_too_long(200)],
                                      description="Mỗi dòng một cấp, ví dụ “TM. ỦY BAN NHÂN DÂN” rồi “KT. CHỦ TỊCH”.")
    signer_title = StringField("Chức vụ người ký", validators=[_too_long(200)])
    signer_name = StringField("Họ tên người ký", validators=[_too_long(200)])

    def _day(self, field):
        try:
            value = parse_day(field.data)
        except InputError as exc:
            raise ValidationError(str(exc)) from None
        if value is None:
            raise ValidationError("Vui lòng nhập ngày (dd/mm/yyyy).")
        return value

    def validate_letter_date(self, field):
        self.letter_date_value = self._day(field)

    def validate_new_due(self, field):
        self.new_due_value = self._day(field)

    def values(self) -> dict:
        return {"number": self.number.data.strip(), "place": self.place.data.strip(),
                "letter_date": self.letter_date_value, "new_due": self.new_due_value,
                "copies": clean_lines(self.copies.data), "signing_authority": clean_lines(self.signing_authority.data),
                "signer_title": self.signer_title.data.strip(), "signer_name": self.signer_name.data.strip()}
