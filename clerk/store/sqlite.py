"""The one SQLite library clerk uses, for plain and encrypted databases alike: SQLCipher's build
(sqlcipher3, a DB-API module like the standard sqlite3).

One library for every connection because two copies of SQLite in one process can corrupt a
database: closing a file in one drops the POSIX locks the other holds on it. Plain databases (the
demo, a clerk who chose no passphrase) open without a key and are ordinary SQLite files.
"""

from __future__ import annotations

from sqlcipher3.dbapi2 import (  # noqa: F401  (this module is the library's face for the rest of clerk)
    Connection,
    Cursor,
    DatabaseError,
    Error,
    IntegrityError,
    OperationalError,
    Row,
    complete_statement,
    connect,
    sqlite_version,
)

# SQLCipher reports a wrong key on stderr as well as by the error; the error is enough (and a
# message on stderr would spoil the terminal screen).
_quiet = connect(":memory:")
_quiet.execute("PRAGMA cipher_log_level = NONE")
_quiet.close()
