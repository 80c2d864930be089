"""Backing up and restoring the database named by a DATABASE_URL (no Flask needed).

SQLite: the online backup API of sqlite3, so a backup is consistent while the app keeps running
and writing (WAL readers and writers are not blocked), and a restore copies the backup's pages into
the live file through SQLite itself (it takes the write lock, so it waits for a running write and
requests started after it see the restored data), then checks the result with integrity_check.

PostgreSQL: pg_dump in its custom format (-Fc), and pg_restore --clean --if-exists in one
transaction (a failed restore changes nothing). The password goes in PGPASSWORD, never on the
command line; the tools never prompt (-w).

Every error raised is a BackupError whose message is Vietnamese, for the CLI to print as it is.
"""
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Connection settings a PostgreSQL URL may carry in its query string, as libpq's variables.
LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                 "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
                 "application_name": "PGAPPNAME", "options": "PGOPTIONS"}
TOOL_TIMEOUT = 6 * 3600  # seconds; a dump or restore that takes longer than this has hung


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in Vietnamese."""


def kind_of(url: str) -> str:
    """'sqlite' or 'postgresql' for a peewee database URL; BackupError for anything else."""
    scheme = urlparse(url).scheme.lower()
    if scheme.startswith("sqlite"):
        return "sqlite"
    if scheme.startswith("postgres"):
        return "postgresql"
    raise BackupError(f"Chưa hỗ trợ sao lưu loại cơ sở dữ liệu “{scheme or url}”; "
                      "chỉ hỗ trợ SQLite và PostgreSQL.")


def sqlite_path(url: str) -> Path:
    """The file of a sqlite:/// URL, as playhouse.db_url reads it (sqlite:////abs, sqlite:///rel)."""
    path = urlparse(url).path[1:]
    if not path or path == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ (:memory:) không sao lưu hay khôi phục được.")
    return Path(path)


def backup(url: str, out, force: bool = False) -> dict:
    """Write a backup of the database at `url` to `out`; returns {"path", "size", "kind"}.
    An existing `out` is refused unless `force`. The file appears only once it is complete."""
    out = Path(out)
    kind = kind_of(url)
    if out.is_dir():
        raise BackupError(f"“{out}” là một thư mục; hãy chỉ ra tên tệp sao lưu.")
    if out.exists() and not force:
        raise BackupError(f"Tệp “{out}” đã có; dùng --force để ghi đè.")
    if not out.parent.is_dir():
        raise BackupError(f"Thư mục “{out.parent}” không tồn tại.")
    # Write beside the target, then rename: a failed backup never leaves a half file under its name.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if kind == "sqlite":
            _sqlite_backup(sqlite_path(url), tmp)
        else:
            _pg_dump(url, tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return {"path": str(out), "size": out.stat().st_size, "kind": kind}


def restore(url: str, source) -> dict:
    """Replace the whole content of the database at `url` with the backup file `source`.
    Returns {"path", "kind", "schema_version"} (the restored schema version, None if unknown)."""
    source = Path(source)
    kind = kind_of(url)
    if not source.is_file():
        raise BackupError(f"Không có tệp sao lưu “{source}”.")
    with open(source, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if kind == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            hint = " (đây là bản sao lưu PostgreSQL)" if head.startswith(PGDUMP_MAGIC) else ""
            raise BackupError(f"Tệp “{source}” không phải bản sao lưu SQLite{hint}.")
        version = _sqlite_restore(source, sqlite_path(url))
    else:
        if not head.startswith(PGDUMP_MAGIC):
            hint = " (đây là bản sao lưu SQLite)" if head.startswith(SQLITE_MAGIC) else ""
            raise BackupError(f"Tệp “{source}” không phải bản sao lưu PostgreSQL định dạng custom "
                              f"(pg_dump -Fc){hint}.")
        _pg_restore(url, source)
        version = None
    return {"path": str(source), "kind": kind, "schema_version": version}


# SQLite

def _connect_sqlite(path: Path, readonly: bool = False) -> sqlite3.Connection:
    try:
        if readonly:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        else:
            conn = sqlite3.connect(path, timeout=30)
        conn.execute("PRAGMA busy_timeout = 30000")
        return conn
    except sqlite3.Error as exc:
        raise BackupError(f"Không mở được cơ sở dữ liệu SQLite “{path}”: {exc}") from None


def _integrity(conn: sqlite3.Connection) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(row[0]) for row in rows)


def _schema_version(conn: sqlite3.Connection):
    try:
        return conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    except sqlite3.Error:
        return None


def _sqlite_backup(path: Path, out: Path) -> None:
    if not path.is_file():
        raise BackupError(f"Không có tệp cơ sở dữ liệu SQLite “{path}”.")
    source = _connect_sqlite(path, readonly=True)
    try:
        target = sqlite3.connect(out)
        try:
            source.backup(target)  # all pages in one step: one consistent snapshot
            # A self-contained file: no -wal beside it, whatever the live database's journal mode.
            target.execute("PRAGMA journal_mode = DELETE")
            result = _integrity(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Sao lưu SQLite thất bại: {exc}") from None
    finally:
        source.close()
    if result != "ok":
        raise BackupError(f"Bản sao lưu vừa tạo không toàn vẹn (integrity_check: {result}).")


def _sqlite_restore(source: Path, path: Path) -> int | None:
    if not path.parent.is_dir():
        raise BackupError(f"Thư mục “{path.parent}” của cơ sở dữ liệu không tồn tại.")
    backup_conn = _connect_sqlite(source, readonly=True)
    try:
        try:
            result = _integrity(backup_conn)
        except sqlite3.Error as exc:
            raise BackupError(f"Tệp “{source}” không đọc được như cơ sở dữ liệu SQLite: {exc}") from None
        if result != "ok":
            raise BackupError(f"Tệp sao lưu “{source}” không toàn vẹn (integrity_check: {result}); "
                              "không khôi phục gì.")
        version = _schema_version(backup_conn)
        if version is None:
            raise BackupError(f"Tệp “{source}” không phải bản sao lưu của ứng dụng này "
                              "(thiếu bảng schema_version); không khôi phục gì.")
        live = _connect_sqlite(path)
        try:
            # Into the live file through SQLite: it holds the write lock while it copies, works
            # with the WAL the app uses, and leaves no page of the old content behind.
            backup_conn.backup(live)
            live.execute("PRAGMA journal_mode = WAL")
            result = _integrity(live)
        except sqlite3.Error as exc:
            raise BackupError(f"Khôi phục SQLite thất bại: {exc}") from None
        finally:
            live.close()
    finally:
        backup_conn.close()
    if result != "ok":
        raise BackupError(f"Cơ sở dữ liệu sau khi khôi phục không toàn vẹn (integrity_check: {result}).")
    return version


# PostgreSQL

def _pg_environment(url: str) -> dict:
    """libpq's variables for the URL: host, port, user, database and the password (PGPASSWORD)."""
    parsed = urlparse(url)
    env = dict(os.environ)
    database = unquote(parsed.path.lstrip("/"))
    if not database:
        raise BackupError("Địa chỉ DATABASE_URL không có tên cơ sở dữ liệu PostgreSQL.")
    env["PGDATABASE"] = database
    if parsed.hostname:
        env["PGHOST"] = unquote(parsed.hostname)
    if parsed.port:
        env["PGPORT"] = str(parsed.port)
    if parsed.username:
        env["PGUSER"] = unquote(parsed.username)
    if parsed.password is not None:
        env["PGPASSWORD"] = unquote(parsed.password)
    for key, values in parse_qs(parsed.query).items():
        if key in LIBPQ_OPTIONS and values:
            env[LIBPQ_OPTIONS[key]] = values[-1]
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"Không tìm thấy chương trình {name}; hãy cài gói postgresql-client "
                          "(cùng phiên bản với máy chủ PostgreSQL hoặc mới hơn) rồi chạy lại.")
    return path


def _run(name: str, args: list[str], env: dict, action: str) -> None:
    try:
        completed = subprocess.run([_tool(name), *args], env=env, stdin=subprocess.DEVNULL, check=False,
                                   capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BackupError(f"{action} thất bại: {name} chạy quá {TOOL_TIMEOUT // 3600} giờ và đã bị dừng.") from None
    except OSError as exc:
        raise BackupError(f"Không chạy được {name}: {exc}") from None
    if completed.returncode != 0:
        detail = "\n".join(completed.stderr.strip().splitlines()[-10:]) or f"mã lỗi {completed.returncode}"
        raise BackupError(f"{action} thất bại ({name} trả về mã {completed.returncode}):\n{detail}")


def _pg_dump(url: str, out: Path) -> None:
    env = _pg_environment(url)
    _run("pg_dump", ["--format=custom", "--no-password", f"--file={out}"], env, "Sao lưu PostgreSQL")


def _pg_restore(url: str, source: Path) -> None:
    env = _pg_environment(url)
    # --dbname is needed (without it pg_restore prints SQL instead); only the name goes there.
    try:
        _run("pg_restore", ["--clean", "--if-exists", "--single-transaction", "--exit-on-error",
                            "--no-owner", "--no-privileges", "--no-password",
                            f"--dbname={env['PGDATABASE']}", str(source)], env, "Khôi phục PostgreSQL")
    except BackupError as exc:
        if "depend on it" in str(exc) or "depends on" in str(exc):
            # --clean drops only what the backup holds: a table added later (a newer schema) blocks it.
            raise BackupError(f"{exc}\nCơ sở dữ liệu hiện có bảng không có trong bản sao lưu (thường do bản sao "
                              "lưu cũ hơn phiên bản ứng dụng). Không có gì bị thay đổi. Hãy khôi phục vào một cơ "
                              "sở dữ liệu trống (xóa rồi tạo lại cơ sở dữ liệu), sau đó chạy init-db.") from None
        raise
