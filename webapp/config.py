"""Configuration from environment variables with safe defaults."""
import os
import secrets
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
        "PAGE_SIZE": 50,
    }
