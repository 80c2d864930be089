"""CSRF tokens masked afresh each time a page carries one (BREACH).

A page compressed with gzip (by the app or by nginx) that holds both the CSRF token and text the
request reflects lets an observer of the response sizes guess the token a character at a time. Each
token written into a page is the session's token XORed with a new random pad, the pad sent with it,
so no two responses carry the same bytes; the check takes the pad off before Flask-WTF's own check.
"""
import base64
import binascii
import secrets

from flask_wtf.csrf import CSRFProtect, _FlaskFormCSRF, generate_csrf

MAX_TOKEN_CHARS = 400  # Flask-WTF's signed tokens are about 90 characters


def mask(token: str) -> str:
    raw = token.encode("ascii")
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(pad + bytes(a ^ b for a, b in zip(pad, raw))).decode("ascii")


def unmask(value: str | None) -> str:
    """The token a masked value carries; "" for anything else (which the check then refuses)."""
    if not value or len(value) > MAX_TOKEN_CHARS:
        return ""
    try:
        data = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, binascii.Error):
        return ""
    if not data or len(data) % 2:
        return ""
    half = len(data) // 2
    return bytes(a ^ b for a, b in zip(data[:half], data[half:])).decode("ascii", "replace")


def masked_token() -> str:
    """What templates call as csrf_token(): the request's token under a pad of its own."""
    return mask(generate_csrf())


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's protection of every POST, reading masked tokens (form field or X-CSRFToken)."""

    def init_app(self, app):
        super().init_app(app)
        app.jinja_env.globals["csrf_token"] = masked_token
        app.context_processor(lambda: {"csrf_token": masked_token})  # after Flask-WTF's: this one wins

    def _get_csrf_token(self):
        return unmask(super()._get_csrf_token())


class MaskedFormCSRF(_FlaskFormCSRF):
    """The hidden csrf_token field of our forms, masked like the rest."""

    def generate_csrf_token(self, csrf_token_field):
        return mask(super().generate_csrf_token(csrf_token_field))

    def validate_csrf_token(self, form, field):
        sent = field.data
        field.data = unmask(sent)
        try:
            super().validate_csrf_token(form, field)
        finally:
            field.data = sent
