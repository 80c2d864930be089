"""The database handle, bound at start-up from DATABASE_URL."""
from peewee import DatabaseProxy, SqliteDatabase
from playhouse import db_url

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10000,
    "foreign_keys": 1,
    "synchronous": "normal",
}


class ImmediateSqliteDatabase(SqliteDatabase):
    """SQLite whose transactions take the write lock when they begin (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes cannot wait for another writer: once its
    snapshot is older than the last commit, SQLite answers "database is locked" at once, whatever
    the busy timeout. Beginning IMMEDIATE makes the second writer wait its turn (busy_timeout)
    before it reads anything. Every `database.atomic()` in core goes through here; nested ones
    are savepoints. PostgreSQL is unchanged."""

    def begin(self, lock_type="IMMEDIATE"):
        super().begin(lock_type)


def open_database(url: str):
    """Create the peewee database for a URL and bind the proxy to it."""
    if url.startswith("sqlite:"):
        db = ImmediateSqliteDatabase(**db_url.parse(url), pragmas=SQLITE_PRAGMAS, timeout=10)
    elif url.startswith("sqlite"):  # playhouse's other SQLite flavours (sqliteext, sqlite+pool)
        db = db_url.connect(url, pragmas=SQLITE_PRAGMAS, timeout=10)
    else:
        db = db_url.connect(url, autoconnect=True)
    database.initialize(db)
    return db


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def serialize_writes(key: str) -> None:
    """Inside a transaction: wait until no other transaction holding `key` is running, until this
    one ends. SQLite already has the one write lock (BEGIN IMMEDIATE); PostgreSQL takes a
    transaction-level advisory lock on the key."""
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))
