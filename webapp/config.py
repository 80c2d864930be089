"""Configuration from environment variables with safe defaults."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_DIR = ROOT / "db"


MIN_SECRET_KEY_BYTES = 32
# Keys published with the project (the old sample configuration's): whoever knows one can sign an
# admin's session, so a deployment that copied one must not start.
KNOWN_SECRET_KEYS = frozenset({"thay-bang-chuoi-ngau-nhien-dai-64-ky-tu"})
HOW_TO_MAKE_A_KEY = ("Tạo một khóa ngẫu nhiên bằng lệnh: python3 -c 'import secrets; print(secrets.token_hex(32))' "
                     "rồi đặt vào SECRET_KEY, hoặc bỏ dòng SECRET_KEY để ứng dụng tự tạo tệp db/secret_key.")


class ConfigError(RuntimeError):
    """A setting the app refuses to start with; the message says how to mend it."""


def check_secret_key(key: str) -> str:
    """The key, or ConfigError when it is a published one or shorter than 32 bytes."""
    if key.strip() in KNOWN_SECRET_KEYS:
        raise ConfigError("SECRET_KEY là khóa mẫu đã công bố, ai cũng có thể giả phiên đăng nhập. " + HOW_TO_MAKE_A_KEY)
    if len(key.encode("utf-8")) < MIN_SECRET_KEY_BYTES:
        raise ConfigError(f"SECRET_KEY quá ngắn ({len(key.encode('utf-8'))} byte, cần ít nhất "
                          f"{MIN_SECRET_KEY_BYTES}). " + HOW_TO_MAKE_A_KEY)
    return key


def _secret_key(db_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept under db/ (readable by the
    app's user only from the moment it exists: created 0600, never chmod'ed after)."""
    if os.environ.get("SECRET_KEY"):
        return check_secret_key(os.environ["SECRET_KEY"])
    db_dir.mkdir(parents=True, exist_ok=True)
    key_file = db_dir / "secret_key"
    if not key_file.exists():
        # Written whole under a name of its own, then linked into place: two workers starting at once
        # both end up reading the one key that won, never a half-written file.
        draft = db_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
            try:
                os.link(draft, key_file)
            except FileExistsError:
                pass
        finally:
            draft.unlink(missing_ok=True)
    return check_secret_key(key_file.read_text().strip())


def from_env() -> dict:
    db_dir = Path(os.environ.get("DB_DIR", DB_DIR))
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{db_dir / 'tracker.db'}"),
        "SECRET_KEY": _secret_key(db_dir),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(db_dir / "uploads")),
        "DUE_SOON_DAYS": int(os.environ.get("DUE_SOON_DAYS", "3")),
        "PASSWORD_METHOD": os.environ.get("PASSWORD_METHOD", "scrypt"),
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,
        # A text field of a multipart form (Flask's default is 500 kB): a directive pasted beside its
        # file may be longer, and is better refused by its own limit, in Vietnamese, than as a 413.
        "MAX_FORM_MEMORY_SIZE": 4 * 1024 * 1024,
        "PAGE_SIZE": 50,
        # Sessions: HttpOnly, SameSite=Lax, Secure behind HTTPS; they end after this much idle time.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("HTTPS", "").lower() in ("1", "true", "yes"),
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "60"))),
        "SESSION_REFRESH_EACH_REQUEST": True,
        # Login throttling, failures allowed within the window: per username from one address, per
        # username from anywhere (so one address cannot lock an account out everywhere), per address.
        "LOGIN_MAX_FAILURES_PER_USER": int(os.environ.get("LOGIN_MAX_FAILURES_PER_USER", "5")),
        "LOGIN_MAX_FAILURES_PER_USER_ANYWHERE": int(os.environ.get("LOGIN_MAX_FAILURES_PER_USER_ANYWHERE", "100")),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20")),
        "LOGIN_WINDOW_MINUTES": int(os.environ.get("LOGIN_WINDOW_MINUTES", "15")),
        # Behind nginx: how many proxies set X-Forwarded-For/-Proto (so throttling sees real addresses).
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        # E-mail reminders (send-reminders): none at all while SMTP_HOST is unset.
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT") or "25"),
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_CA_FILE": os.environ.get("SMTP_CA_FILE", ""),
        # A login without STARTTLS sends the password in clear: refused unless said explicitly here.
        "SMTP_ALLOW_PLAINTEXT_LOGIN": os.environ.get("SMTP_ALLOW_PLAINTEXT_LOGIN", "").lower() in ("1", "true", "yes"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Theo dõi nhiệm vụ <no-reply@localhost>"),
        # The app's public address, for the links in e-mails ("https://theodoi.example.gov.vn").
        "APP_URL": os.environ.get("APP_URL", ""),
    }
