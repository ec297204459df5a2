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


def read_cache_settings(*, default: str) -> dict[str, dict[str, object]]:
    """CACHES from CACHE_URL, or from REDIS_URL when CACHE_URL is empty (a shortcut for a deployment that runs Redis:
    the findings cache and everything else the cache keeps then live there); else the default address."""
    if os.environ.get("CACHE_URL", "").strip():
        return read_cache_url("CACHE_URL", default=default)
    redis_url = os.environ.get("REDIS_URL", "").strip()
    if redis_url:
        if not redis_url.startswith(("redis://", "rediss://")):
            raise SettingError(f"REDIS_URL={redis_url!r}: expected redis://HOST:PORT/DB or rediss://…")
        return read_cache_url("REDIS_URL", default=default)
    return read_cache_url("CACHE_URL", default=default)


STORAGE_KINDS = ("local", "s3")


def read_file_storage() -> dict[str, object]:
    """STORAGES["default"], where uploaded documents are kept: EGIDE_STORAGE=local (the folder MEDIA_ROOT) or s3 (an
    S3-compatible bucket through django-storages: EGIDE_S3_BUCKET, and EGIDE_S3_ENDPOINT_URL for a service other
    than Amazon's, EGIDE_S3_REGION, EGIDE_S3_PREFIX; the keys EGIDE_S3_ACCESS_KEY_ID and EGIDE_S3_SECRET_ACCESS_KEY,
    or boto3's own (the AWS_* variables, an instance role) when they are empty). Files are private: read through
    Égide, which checks who may read them, never from a public address of the bucket."""
    kind = os.environ.get("EGIDE_STORAGE", "").strip().lower() or "local"
    if kind not in STORAGE_KINDS:
        raise SettingError(f"EGIDE_STORAGE={kind!r}: expected one of {list(STORAGE_KINDS)}")
    if kind == "local":
        # Its folder is MEDIA_ROOT, read when a file is stored (a test's temporary folder replaces it).
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    bucket = os.environ.get("EGIDE_S3_BUCKET", "").strip()
    if not bucket:
        raise SettingError("EGIDE_S3_BUCKET must be set when EGIDE_STORAGE=s3")
    options: dict[str, object] = {
        "bucket_name": bucket,
        "location": os.environ.get("EGIDE_S3_PREFIX", "").strip().strip("/"),
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,
        "file_overwrite": False,  # a new upload under a name already used gets a name of its own
        "signature_version": "s3v4",
        "addressing_style": read_string("EGIDE_S3_ADDRESSING_STYLE", default="") or None,
    }
    for option, name in (
        ("endpoint_url", "EGIDE_S3_ENDPOINT_URL"),
        ("region_name", "EGIDE_S3_REGION"),
        ("access_key", "EGIDE_S3_ACCESS_KEY_ID"),
        ("secret_key", "EGIDE_S3_SECRET_ACCESS_KEY"),
    ):
        value = os.environ.get(name, "").strip()
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


LOG_FORMATS = ("text", "json")


def read_log_format() -> str:
    value = os.environ.get("LOG_FORMAT", "").strip().lower() or "text"
    if value not in LOG_FORMATS:
        raise SettingError(f"LOG_FORMAT={value!r}: expected one of {list(LOG_FORMATS)}")
    return value


def read_networks(name: str, *, default: list[str]) -> list[str]:
    """A comma-separated list of networks (10.0.0.0/8) or addresses, each checked."""
    import ipaddress

    entries = read_list(name, default=default)
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise SettingError(f"{name}: {entry!r} is not a network or an address") from error
    return entries
