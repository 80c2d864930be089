"""Configuration from environment variables with safe defaults."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_DIR = ROOT / "db"


def _secret_key(db_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept under db/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    db_dir.mkdir(parents=True, exist_ok=True)
    key_file = db_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


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
        # Login throttling: failures allowed per username and per address within the window.
        "LOGIN_MAX_FAILURES_PER_USER": int(os.environ.get("LOGIN_MAX_FAILURES_PER_USER", "5")),
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
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Theo dõi nhiệm vụ <no-reply@localhost>"),
        # The app's public address, for the links in e-mails ("https://theodoi.example.gov.vn").
        "APP_URL": os.environ.get("APP_URL", ""),
    }
