from pathlib import Path

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.module_loading import import_string

from egide.environment import SettingError, read_bool, read_cache_url, read_int, read_list, read_secret_key


def test_read_bool_understands_common_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "Yes")
    assert read_bool("FLAG", default=False) is True
    monkeypatch.setenv("FLAG", "off")
    assert read_bool("FLAG", default=True) is False
    monkeypatch.delenv("FLAG")
    assert read_bool("FLAG", default=True) is True


def test_read_bool_fails_loudly_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(SettingError, match="DEBUG='maybe'"):
        read_bool("DEBUG", default=False)


def test_read_int_and_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKERS", "x")
    with pytest.raises(SettingError, match="WORKERS"):
        read_int("WORKERS", default=1)
    monkeypatch.setenv("WORKERS", "-1")
    with pytest.raises(SettingError, match="at least 0"):
        read_int("WORKERS", default=1)
    monkeypatch.setenv("HOSTS", " a.org, b.org ,,")
    assert read_list("HOSTS", default=[]) == ["a.org", "b.org"]


def test_secret_key_is_generated_once_for_local_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = read_secret_key(debug=True, data_dir=tmp_path)
    assert len(first) >= 50
    assert read_secret_key(debug=True, data_dir=tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_secret_key_is_required_without_debug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SettingError, match="SECRET_KEY must be set"):
        read_secret_key(debug=False, data_dir=tmp_path)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(SettingError, match="32 characters"):
        read_secret_key(debug=False, data_dir=tmp_path)


def test_the_cache_is_a_folder_of_the_data_folder_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CACHE_URL", raising=False)
    caches = read_cache_url("CACHE_URL", default=f"file://{tmp_path / 'cache'}")
    backend = caches["default"]
    assert issubclass(import_string(str(backend["BACKEND"])), FileBasedCache)
    assert backend["LOCATION"] == str(tmp_path / "cache")


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/1"),
        ("file:///var/cache/egide", "egide.core.file_cache.FileCache", "/var/cache/egide"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", "egide"),
        ("dummy://", "django.core.cache.backends.dummy.DummyCache", None),
    ],
)
def test_cache_url(monkeypatch: pytest.MonkeyPatch, url: str, backend: str, location: str | None) -> None:
    monkeypatch.setenv("CACHE_URL", url)
    read = read_cache_url("CACHE_URL", default="locmem://")["default"]
    assert read["BACKEND"] == backend
    assert read.get("LOCATION") == location
    import_string(backend)  # a backend Django has


@pytest.mark.parametrize("url", ["memcached://x", "redis://", "file://relative/folder", "/var/cache", "locmem"])
def test_a_cache_url_not_understood_fails_loudly(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("CACHE_URL", url)
    with pytest.raises(SettingError, match="CACHE_URL="):
        read_cache_url("CACHE_URL", default="locmem://")


def test_an_empty_cache_url_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CACHE_URL", " ")
    assert import_string(str(read_cache_url("CACHE_URL", default="locmem://x")["default"]["BACKEND"])) is LocMemCache


def test_the_file_cache_reads_what_it_writes_and_what_django_wrote(tmp_path: Path) -> None:
    """Egide's file cache compresses at zlib's fastest level; entries written by Django's own are still read."""
    from egide.core.file_cache import FileCache

    ours = FileCache(str(tmp_path), {})
    django = FileBasedCache(str(tmp_path), {})
    value = {"findings": ["the same words"] * 1_000, "bytes": bytes(range(256)) * 100}
    ours.set("ours", value)
    django.set("django", value)
    assert ours.get("ours") == value
    assert ours.get("django") == value
    assert django.get("ours") == value
    assert ours.get("missing") is None
