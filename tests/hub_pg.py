"""A real PostgreSQL server for the hub tests: a fresh database per test on CLERK_TEST_PG_URL.

CLERK_TEST_PG_URL names a superuser connection to a throwaway server (tests/pg_server.sh starts
one and prints it; .ci/run does so). Without it, or when the server does not answer, the hub
tests are skipped with a plain reason; under CI=true they fail instead, so a CI run can never
pass with the hub untested. Import the fixtures into a test module:
`from hub_pg import hub_url, pg_admin  # noqa: F401`.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

START_HINT = (
    'start one with: export CLERK_TEST_PG_URL=$(bash tests/pg_server.sh start "$(mktemp -d)") '
    "(needs apt-get install postgresql)"
)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"hub tests need PostgreSQL in CI, but {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL server for the hub tests: {reason}; {START_HINT}")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def with_user(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{user}:{password}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    url = os.environ.get("CLERK_TEST_PG_URL", "").strip()
    if not url:
        _unavailable("CLERK_TEST_PG_URL is not set")
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test]')")
    try:
        psycopg.connect(url, connect_timeout=5, autocommit=True).close()
    except psycopg.Error as exc:
        _unavailable(f"the server at CLERK_TEST_PG_URL does not answer ({str(exc).strip().splitlines()[0]})")
    return url


@pytest.fixture
def pg_admin(pg_server_url):
    """A superuser connection to the server's maintenance database (autocommit)."""
    import psycopg

    conn = psycopg.connect(pg_server_url, autocommit=True)
    yield conn
    conn.close()


@pytest.fixture
def hub_url(pg_server_url, pg_admin):
    """The URL of a new, empty database, dropped after the test."""
    name = f"clerk_test_{uuid.uuid4().hex[:12]}"
    pg_admin.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    yield with_database(pg_server_url, name)
    pg_admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(url: str, sql: str, params=()):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []
