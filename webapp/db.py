"""The database handle, bound at start-up from DATABASE_URL."""
import os

from peewee import DatabaseProxy, SqliteDatabase
from playhouse import db_url
from playhouse.pool import PooledPostgresqlDatabase, _PooledSqliteDatabase

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
    are savepoints. PostgreSQL does the same with an advisory lock (below)."""

    def begin(self, lock_type="IMMEDIATE"):
        super().begin(lock_type)


class PooledImmediateSqliteDatabase(_PooledSqliteDatabase, ImmediateSqliteDatabase):
    """The same, with its connections kept open between requests (the pragmas and the opening of the
    file are paid once per connection); each is used by one thread at a time."""


WRITE_LOCK = 170018  # PostgreSQL advisory lock held by every transaction from its BEGIN


class PooledOneWriterPostgresqlDatabase(PooledPostgresqlDatabase):
    """PostgreSQL whose transactions run one at a time, as SQLite's BEGIN IMMEDIATE makes them.

    The counts kept by triggers (migrations.TALLY_TRIGGERS) make writers that touch different rows
    meet on the same few tally rows, in whatever order their statements come: two admins saving
    tasks at once deadlocked there, and PostgreSQL aborted one with an error page. Taking one lock
    first, before any row, leaves no order to get wrong. Writes here are short and few; reads
    outside `atomic()` never wait. Statements run outside a transaction (autocommit) do not take it."""

    def begin(self, *args, **kwargs):
        super().begin(*args, **kwargs)
        self.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))


def open_database(url: str):
    """Create the peewee database for a URL and bind the proxy to it (a pool bound before is emptied:
    tests and commands make several apps in one process)."""
    previous = database.obj
    if previous is not None and hasattr(previous, "close_all"):
        previous.close_all()
    if url.startswith("sqlite:"):
        db = PooledImmediateSqliteDatabase(**db_url.parse(url), pragmas=SQLITE_PRAGMAS, timeout=10,
                                           check_same_thread=False, max_connections=POOL_SIZE,
                                           stale_timeout=POOL_STALE)
    elif url.startswith("sqlite"):  # playhouse's other SQLite flavours (sqliteext, sqlite+pool)
        db = db_url.connect(url, pragmas=SQLITE_PRAGMAS, timeout=10)
    elif url.split("://", 1)[0] in ("postgres", "postgresql", "postgres+pool", "postgresql+pool"):
        # No JIT: these are short statements, and a plan cost misjudged (a table never analysed) made
        # PostgreSQL spend half a second compiling one.
        db = PooledOneWriterPostgresqlDatabase(**db_url.parse(url), autoconnect=True, max_connections=POOL_SIZE,
                                               stale_timeout=POOL_STALE, timeout=POOL_WAIT, options="-c jit=off")
    else:
        db = db_url.connect(pooled(url), autoconnect=True, max_connections=POOL_SIZE, stale_timeout=POOL_STALE,
                            timeout=POOL_WAIT)
    database.initialize(db)
    return db


# A pool of connections per worker process (playhouse.pool), so that a request does not pay for a
# new connection (PostgreSQL: a password exchange, 7 ms here; SQLite: opening the file and its
# pragmas); closing at the end of a request gives it back. Each worker thread holds one at a time.
POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "8"))
POOL_STALE = 300   # seconds: a connection idle longer is closed rather than reused
POOL_WAIT = 10     # seconds to wait for a free connection when all are taken


def pooled(url: str) -> str:
    """postgresql://… -> postgresql+pool://… (a URL naming a pool already is kept)."""
    scheme, rest = url.split("://", 1)
    return url if "+pool" in scheme else f"{scheme}+pool://{rest}"


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)
