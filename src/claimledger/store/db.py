"""Opening the ledger: engines, SQLite pragmas, migrations to head, and write retries.

SQLite runs in WAL mode with a busy timeout; writers start with `BEGIN IMMEDIATE` so that two
processes never deadlock upgrading a read lock, and a write that still meets "database is
locked" is retried with backoff. PostgreSQL writers rely on transactions and an advisory lock
around migrations.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from claimledger.config import get_settings
from claimledger.errors import StoreError

T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_SCHEMA_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_PG_MIGRATION_LOCK = 7_201_340_417


def normalize_url(url: str) -> str:
    """Accept a bare file path or `postgresql://` and return an SQLAlchemy URL."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


SCHEMES = ("sqlite", "postgresql")


def check_url(url: str, shown: str) -> None:
    """One clear error for a ledger that cannot be: an unsupported database, or a SQLite file in a
    folder that does not exist (a new ledger file is created only in an existing folder, so a
    typo never builds a tree of folders and a silent, empty ledger)."""
    scheme = url.split("://", 1)[0].split("+", 1)[0].lower()
    if scheme not in SCHEMES:
        raise StoreError(f"unsupported ledger database {shown!r}: use sqlite:///FILE or postgresql://…")
    if scheme == "sqlite" and url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        path = Path(url[len("sqlite:///"):].split("?", 1)[0]).expanduser()
        if not path.parent.is_dir():
            raise StoreError(f"cannot open ledger {shown}: folder {path.parent} does not exist")


SQLITE_CACHE_KIB = 32 * 1024  # per connection
SQLITE_MMAP_BYTES = 256 << 20  # file pages mapped, not copied (counted in RSS, reclaimable)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 30000")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.execute("PRAGMA foreign_keys = ON")
    # a ledger of millions of claims is gigabytes: a 2 MB page cache (the default) re-reads index
    # pages on every look-up of a reconcile pass; mapping the file lets readers use the OS cache directly
    cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    cur.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
    cur.close()


def make_engine(url: str, *, schema: str | None = None, immediate: bool = False) -> Engine:
    """An engine for `url`; `immediate` makes SQLite transactions take the write lock at BEGIN."""
    url = normalize_url(url)
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)

        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        event.listen(engine, "begin", _begin)
        return engine
    if schema is not None:
        if not _SCHEMA_RE.match(schema):
            raise StoreError(f"invalid schema name {schema!r}")
        kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    kwargs["pool_pre_ping"] = True
    if not immediate:  # readers: as many connections as the server has request threads at once
        pool = get_settings().db_pool
        kwargs.update(pool_size=pool, max_overflow=pool)
    return create_engine(url, **kwargs)


def is_locked_error(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return ("database is locked" in msg or "database table is locked" in msg or "deadlock detected" in msg
            or "could not serialize" in msg)


def with_retry(fn: Callable[[], T], *, attempts: int = 12) -> T:
    """Run a write transaction, retrying when SQLite says locked or PostgreSQL says deadlock."""
    delay = 0.05
    for i in range(attempts):
        try:
            return fn()
        except (OperationalError, DBAPIError) as exc:
            if not is_locked_error(exc) or i == attempts - 1:
                raise
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")


def migrate(engine: Engine) -> None:
    """Upgrade the schema to head, once, even when several processes open the ledger together."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", "")

    def run() -> None:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    with_retry(run)


class Database:
    """The two engines of one ledger: readers (deferred) and writers (immediate on SQLite)."""

    def __init__(self, url: str, *, schema: str | None = None, upgrade: bool = True) -> None:
        self.url = normalize_url(url)
        self.schema = schema
        check_url(self.url, self.redacted_url)
        try:
            if schema is not None and not self.url.startswith("sqlite"):
                boot = make_engine(self.url)
                try:
                    with boot.begin() as conn:
                        # two processes opening a new ledger at once: serialise on an advisory lock, since
                        # CREATE SCHEMA IF NOT EXISTS itself can still collide in pg_namespace
                        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": schema})
                        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))  # validated name
                except IntegrityError:
                    pass  # created by the other process between our check and our insert: it exists
                finally:
                    boot.dispose()
            self.read_engine = make_engine(self.url, schema=schema)
            self.write_engine = make_engine(self.url, schema=schema, immediate=True)
            if upgrade:
                migrate(self.write_engine)
        except (OperationalError, DBAPIError) as exc:
            raise StoreError(f"cannot open ledger {self.redacted_url}: {exc.orig or exc}") from exc
        except ArgumentError as exc:
            raise StoreError(f"cannot open ledger {self.redacted_url}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot open ledger {self.redacted_url}: {exc.strerror or exc}") from exc
        self._reader = sessionmaker(self.read_engine, expire_on_commit=False)
        self._writer = sessionmaker(self.write_engine, expire_on_commit=False)

    @property
    def redacted_url(self) -> str:
        return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", self.url)

    @property
    def dialect(self) -> str:
        return self.read_engine.dialect.name

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run `fn` in one write transaction (committed on return), retried when locked."""

        def run() -> T:
            with self._writer() as session, session.begin():
                return fn(session)

        return with_retry(run)

    def enable_time_budgets(self) -> bool:
        """Let `store.budget.time_budget` interrupt reads of this ledger (idempotent; True the
        first time). Done once, up front: on SQLite it replaces the pooled read connections."""
        from claimledger.store.budget import install

        return install(self.read_engine)

    def dispose(self) -> None:
        self.read_engine.dispose()
        self.write_engine.dispose()


def default_url() -> str:
    return get_settings().db_url
