"""The database handle, bound at start-up from DATABASE_URL."""
from peewee import DatabaseProxy
from playhouse.db_url import connect

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10000,
    "foreign_keys": 1,
    "synchronous": "normal",
}


def open_database(url: str):
    """Create the peewee database for a URL and bind the proxy to it."""
    if url.startswith("sqlite"):
        db = connect(url, pragmas=SQLITE_PRAGMAS, timeout=10)
    else:
        db = connect(url, autoconnect=True)
    database.initialize(db)
    return db


def is_sqlite() -> bool:
    from peewee import SqliteDatabase
    return isinstance(database.obj, SqliteDatabase)
