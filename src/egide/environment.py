"""Typed readers for settings taken from the environment.

Each reader fails loudly with the variable's name when its value cannot be understood, so that a typo in a
deployment is caught at start-up rather than turning into a silently wrong setting.
"""

import os
import secrets
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class SettingError(ValueError):
    """A setting read from the environment has a value that cannot be used."""


def read_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingError(f"{name}={raw!r}: expected one of {sorted(TRUE_WORDS | FALSE_WORDS - {''})}")


def read_string(name: str, *, default: str) -> str:
    return os.environ.get(name, default)


def read_hour(name: str, *, default: int | None) -> int | None:
    """An hour of the day, 0 to 23; "off" (or empty) for none."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in ("", "off", "none"):
        return None
    try:
        hour = int(word)
    except ValueError as error:
        raise SettingError(f"{name}={raw!r}: expected an hour from 0 to 23, or off") from error
    if not 0 <= hour <= 23:
        raise SettingError(f"{name}={raw!r}: expected an hour from 0 to 23, or off")
    return hour


def read_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_int(name: str, *, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise SettingError(f"{name}={raw!r}: expected a whole number") from error
    if value < minimum:
        raise SettingError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def read_secret_key(*, debug: bool, data_dir: Path) -> str:
    """Return SECRET_KEY; generate one into the data folder for local use, refuse to run without one in production."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if len(key) < 32:
            raise SettingError("SECRET_KEY: must be at least 32 characters long")
        return key
    if not debug:
        raise SettingError("SECRET_KEY must be set when DEBUG is off")
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


CACHE_BACKENDS = {
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "file": "egide.core.file_cache.FileCache",  # Django's, compressed at the fastest level
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}
# Every country's findings for a few readers and both languages (the dashboard reads them all at once): most
# countries' answers take a few kB, a large country's a few MB.
FILE_CACHE_MAX_ENTRIES = 1000


def read_cache_url(name: str, *, default: str) -> dict[str, dict[str, object]]:
    """Django's CACHES from one address: redis://HOST:PORT/DB (or rediss://), file:///ABSOLUTE/FOLDER,
    locmem:// (this process only) or dummy:// (nothing kept)."""
    raw = os.environ.get(name, "").strip() or default
    scheme, separator, rest = raw.partition("://")
    if not separator or scheme not in CACHE_BACKENDS:
        raise SettingError(f"{name}={raw!r}: expected an address starting with one of {sorted(CACHE_BACKENDS)}://")
    backend: dict[str, object] = {"BACKEND": CACHE_BACKENDS[scheme]}
    if scheme in ("redis", "rediss"):
        if not rest:
            raise SettingError(f"{name}={raw!r}: name the Redis server, e.g. redis://127.0.0.1:6379/0")
        backend["LOCATION"] = raw
    elif scheme == "file":
        if not rest.startswith("/"):
            raise SettingError(f"{name}={raw!r}: give an absolute folder, e.g. file:///var/cache/egide")
        backend["LOCATION"] = rest
        backend["OPTIONS"] = {"MAX_ENTRIES": FILE_CACHE_MAX_ENTRIES}
    elif scheme == "locmem":
        backend["LOCATION"] = rest or "egide"
    return {"default": backend}
