"""The keys of an encrypted database: the recovery key, the passphrase, the key file beside the
database, and the data keys this process has unlocked.

The database (its WAL and its backups too) is encrypted by SQLCipher with a 256-bit data key that
stays the same for the life of the database, so a passphrase change or a reset rewrites a few
hundred bytes, never the database, and every backup opens with the key the database has now.

- The data key is derived (HKDF-SHA256) from the recovery key: 128 random bits printed once for the
  clerk to keep. With the recovery key alone, the database and every backup can be opened.
- The key file `<database>.key` holds the recovery key sealed with AES-256-GCM under a key derived
  from the passphrase (Argon2id, memory-hard, its cost stored in the file). Opening the database
  costs one Argon2id, and SQLCipher gets the raw key (no PBKDF2 of its own on every connection).
- Keys unlocked in this process are remembered per database file (`remember`, `key_for`) so that
  every connection, helper ones included, can start with `PRAGMA key`.

All the cryptography is the `cryptography` package's; nothing here is hand-written crypto.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SQLITE_HEADER = b"SQLite format 3\x00"
KEY_FILE_VERSION = 1
# Argon2id's cost: OWASP's first recommended setting (46 MiB, one pass); raised later by writing
# larger figures into new key files (each file keeps its own).
ARGON2 = {"memory_kib": 47_104, "iterations": 1, "lanes": 1}
MIN_PASSPHRASE = 8
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: no 0/1/8/9, so O/I/B typed as digits are read back


class KeyProblem(Exception):
    """A key problem with a message in Chinese that a clerk can act on."""


class WrongPassphrase(KeyProblem):
    pass


class BadRecoveryKey(KeyProblem):
    pass


@dataclass(frozen=True)
class RecoveryKey:
    """128 random bits; the database's data key is derived from them."""

    secret: bytes

    @classmethod
    def new(cls) -> RecoveryKey:
        return cls(secrets.token_bytes(16))

    @property
    def text(self) -> str:
        """32 characters in 8 groups of 4 (the last 4 bytes are a check of the first 16)."""
        raw = base64.b32encode(self.secret + _check(self.secret)).decode()
        return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))

    @classmethod
    def parse(cls, text: str) -> RecoveryKey:
        cleaned = "".join(c for c in text.upper() if c.isalnum()).translate(str.maketrans("018", "OIB"))
        if len(cleaned) != 32 or any(c not in _ALPHABET for c in cleaned):
            raise BadRecoveryKey("恢复密钥应是 32 个字母和数字（8 组，每组 4 个）。请对照打印的恢复密钥单重新输入。")
        raw = base64.b32decode(cleaned)
        secret, check = raw[:16], raw[16:]
        if _check(secret) != check:
            raise BadRecoveryKey("恢复密钥有输错的地方（校验不符）。请对照打印的恢复密钥单逐组核对。")
        return cls(secret)

    @property
    def data_key(self) -> bytes:
        return _hkdf(self.secret, b"clerk sqlcipher data key v1", 32)

    @property
    def key_id(self) -> str:
        """Names the data key without revealing it (to tell whose key a file holds)."""
        return _hkdf(self.secret, b"clerk key id v1", 8).hex()


def _check(secret: bytes) -> bytes:
    return hashlib.sha256(b"clerk recovery key check" + secret).digest()[:4]


def _hkdf(secret: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


def pragma(data_key: bytes) -> str:
    """The first statement of every connection to an encrypted database (a raw key: no KDF)."""
    return f"PRAGMA key = \"x'{data_key.hex()}'\""


# -- the key file ---------------------------------------------------------------------------------


def key_file(db_path: str | Path) -> Path:
    return Path(f"{db_path}.key")


def check_passphrase(passphrase: str) -> str | None:
    """Why a new passphrase can't be used (Chinese), or None."""
    if len(passphrase) < MIN_PASSPHRASE:
        return f"口令至少要 {MIN_PASSPHRASE} 个字符。可以用一句好记的话，如“我家门口有棵老槐树”。"
    if passphrase != passphrase.strip():
        return "口令的开头或结尾有空格，容易记错。请去掉空格。"
    return None


def _passphrase_key(passphrase: str, salt: bytes, cost: dict) -> bytes:
    kdf = Argon2id(
        salt=salt, length=32, iterations=cost["iterations"], lanes=cost["lanes"], memory_cost=cost["memory_kib"]
    )
    return kdf.derive(passphrase.encode("utf-8"))


def _aad(key_id: str) -> bytes:
    return f"clerk key file v{KEY_FILE_VERSION}:{key_id}".encode()


def seal(recovery: RecoveryKey, passphrase: str) -> dict:
    """The key file's contents: the recovery key sealed under the passphrase."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(_passphrase_key(passphrase, salt, ARGON2)).encrypt(nonce, recovery.secret, _aad(recovery.key_id))
    b64 = base64.b64encode
    return {
        "clerk": "database key file",
        "version": KEY_FILE_VERSION,
        "key_id": recovery.key_id,
        "kdf": {"name": "argon2id", **ARGON2, "salt": b64(salt).decode()},
        "cipher": "aes-256-gcm",
        "nonce": b64(nonce).decode(),
        "sealed": b64(sealed).decode(),
    }


def write_key_file(db_path: str | Path, recovery: RecoveryKey, passphrase: str) -> Path:
    """Write (or replace) the key file: a finished file under a temporary name, then renamed; 0600."""
    path = key_file(db_path)
    text = json.dumps(seal(recovery, passphrase), ensure_ascii=False, indent=1) + "\n"
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(partial, 0o600)  # whatever the umask, and an older partial's mode
    os.replace(partial, path)
    return path


def read_key_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyProblem(f"找不到口令文件“{path}”。可以用恢复密钥重新设置口令：clerk passphrase reset。") from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise KeyProblem(f"口令文件“{path}”已损坏。可以用恢复密钥重新设置口令：clerk passphrase reset。") from None
    if not isinstance(data, dict) or data.get("clerk") != "database key file":
        raise KeyProblem(f"“{path}”不是 clerk 的口令文件。")
    if data.get("version") != KEY_FILE_VERSION or data.get("kdf", {}).get("name") != "argon2id":
        raise KeyProblem(f"口令文件“{path}”来自更新版本的 clerk。请升级 clerk。")
    return data


def open_key_file(path: Path, passphrase: str) -> RecoveryKey:
    """The recovery key sealed in a key file; WrongPassphrase if the passphrase doesn't open it."""
    data = read_key_file(path)
    try:
        kdf = data["kdf"]
        cost = {k: int(kdf[k]) for k in ("memory_kib", "iterations", "lanes")}
        salt, nonce, sealed = (base64.b64decode(x) for x in (kdf["salt"], data["nonce"], data["sealed"]))
        key_id = str(data["key_id"])
    except (KeyError, TypeError, ValueError):
        raise KeyProblem(f"口令文件“{path}”已损坏。可以用恢复密钥重新设置口令：clerk passphrase reset。") from None
    try:
        secret = AESGCM(_passphrase_key(passphrase, salt, cost)).decrypt(nonce, sealed, _aad(key_id))
    except InvalidTag:
        raise WrongPassphrase("口令不对，数据库没有打开，也没有任何改动。请注意大小写和输入法的全角/半角。") from None
    return RecoveryKey(secret)


def key_id_of(path: Path) -> str | None:
    """Which data key a key file seals (without the passphrase), or None if there is none."""
    try:
        return str(read_key_file(path)["key_id"])
    except (KeyProblem, KeyError):
        return None


# -- which files are encrypted, and the keys unlocked in this process ------------------------------


def is_encrypted(path: str | Path) -> bool:
    """A file that exists and is not a plain SQLite file (SQLCipher starts a file with random salt)."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return bool(head) and head != SQLITE_HEADER


_unlocked: dict[Path, bytes] = {}


def _name(path: str | Path) -> Path:
    return Path(path).resolve()


def remember(db_path: str | Path, data_key: bytes) -> None:
    _unlocked[_name(db_path)] = data_key


def key_for(db_path: str | Path) -> bytes | None:
    """The data key unlocked in this process for this file (None: open it as a plain database)."""
    return _unlocked.get(_name(db_path)) if _unlocked else None


def forget(db_path: str | Path) -> None:
    _unlocked.pop(_name(db_path), None)


def unlock(db_path: str | Path, passphrase: str) -> RecoveryKey:
    """Open the key file beside the database with the passphrase and remember the data key."""
    recovery = open_key_file(key_file(db_path), passphrase)
    remember(db_path, recovery.data_key)
    return recovery


Unlocker = Callable[[Path], None]
_unlocker: list[Unlocker] = []


def set_unlocker(unlocker: Unlocker | None) -> None:
    """What to call when an encrypted database is opened with no key unlocked (the command line
    asks for the passphrase there, or reads it from a file or the environment, and calls unlock)."""
    _unlocker[:] = [unlocker] if unlocker else []


def ask_to_unlock(db_path: Path) -> None:
    if _unlocker:
        _unlocker[0](db_path)


def needs_key(db_path: str | Path) -> bool:
    """An encrypted database with its key file and no key unlocked yet: ask for the passphrase."""
    return key_for(db_path) is None and is_encrypted(db_path) and key_file(db_path).exists()
