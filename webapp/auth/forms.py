from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import Form


class PasswordForm(Form):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")])
    new = PasswordField("Mật khẩu mới (ít nhất 8 ký tự)", validators=[
        DataRequired("Vui lòng nhập mật khẩu mới."),
        Length(min=8, max=200, message="Mật khẩu mới phải có từ 8 ký tự.")])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        EqualTo("new", message="Hai lần nhập mật khẩu mới không khớp.")])


class LoginForm(Form):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])
