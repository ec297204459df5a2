"""Stateless web processes: uploaded files through the storage backend (a local folder by default, an S3-compatible
bucket by setting), the cache in Redis when REDIS_URL is set, sessions in the database."""

import pytest
from django.conf import LazySettings
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.files.storage import InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.module_loading import import_string

from egide.accounts.models import Organisation
from egide.environment import SettingError, read_cache_settings, read_file_storage
from egide.iati.models import IatiImportRun
from egide.iati.services import iati_import_run_create, iati_import_run_execute
from egide.programmes.models import Programme
from tests.iati.test_pages import FILE

S3_ENVIRONMENT = {
    "EGIDE_STORAGE": "s3",
    "EGIDE_S3_BUCKET": "egide-documents",
    "EGIDE_S3_ENDPOINT_URL": "https://objects.example.org",
    "EGIDE_S3_REGION": "eu-west-3",
    "EGIDE_S3_PREFIX": "/ministry/",
    "EGIDE_S3_ACCESS_KEY_ID": "an-access-key",
    "EGIDE_S3_SECRET_ACCESS_KEY": "a-secret-key",
}


def test_uploads_go_to_a_local_folder_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EGIDE_STORAGE", raising=False)
    assert read_file_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert django_settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_the_s3_settings_make_a_private_bucket_storage_without_reaching_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in S3_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    configured = read_file_storage()
    assert configured["BACKEND"] == "storages.backends.s3.S3Storage"
    storage = import_string(str(configured["BACKEND"]))(**configured["OPTIONS"])  # type: ignore[arg-type]
    assert (storage.bucket_name, storage.endpoint_url, storage.region_name) == (
        "egide-documents",
        "https://objects.example.org",
        "eu-west-3",
    )
    assert (storage.location, storage.default_acl, storage.querystring_auth, storage.file_overwrite) == (
        "ministry",
        None,
        True,
        False,
    )
    assert (storage.access_key, storage.secret_key) == ("an-access-key", "a-secret-key")


def test_the_s3_storage_is_the_default_storage_when_configured(
    settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in S3_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": read_file_storage()}
    from storages.backends.s3 import S3Storage

    assert isinstance(storages["default"], S3Storage)


def test_wrong_storage_settings_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGIDE_STORAGE", "ftp")
    with pytest.raises(SettingError, match="EGIDE_STORAGE='ftp'"):
        read_file_storage()
    monkeypatch.setenv("EGIDE_STORAGE", "s3")
    monkeypatch.delenv("EGIDE_S3_BUCKET", raising=False)
    with pytest.raises(SettingError, match="EGIDE_S3_BUCKET"):
        read_file_storage()


def test_redis_url_is_a_shortcut_for_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    assert read_cache_settings(default="locmem://") == {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://cache.internal:6379/2",
        }
    }
    # CACHE_URL, when set, says where the cache is.
    monkeypatch.setenv("CACHE_URL", "file:///var/cache/egide")
    assert read_cache_settings(default="locmem://")["default"]["LOCATION"] == "/var/cache/egide"
    monkeypatch.delenv("CACHE_URL")
    monkeypatch.setenv("REDIS_URL", "http://cache.internal")
    with pytest.raises(SettingError, match="REDIS_URL"):
        read_cache_settings(default="locmem://")
    monkeypatch.delenv("REDIS_URL")
    assert read_cache_settings(default="locmem://egide")["default"]["BACKEND"].endswith("LocMemCache")


def test_sessions_live_in_the_database() -> None:
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


@pytest.fixture
def storage_without_paths(settings: LazySettings) -> None:
    """A storage with no folder on this machine, like a bucket: Django's in-memory one."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


@pytest.mark.django_db
def test_an_iati_import_reads_its_files_from_a_storage_without_local_paths(
    storage_without_paths: None, member: User, organisation: Organisation, settings: LazySettings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    assert isinstance(storages["default"], InMemoryStorage)
    run = iati_import_run_create(
        user=member,
        owner=organisation,
        uploads=[SimpleUploadedFile("donor.xml", FILE, content_type="application/xml")],
    )
    run.refresh_from_db()
    assert run.stored == [f"iati-imports/{run.pk}/0001.xml"]
    assert storages["default"].exists(run.stored[0])
    assert iati_import_run_execute(run_id=str(run.pk)) == "done", IatiImportRun.objects.get().error
    assert Programme.objects.get().iati_identifier == "XM-DAC-7-1"
    assert not storages["default"].exists(f"iati-imports/{run.pk}/0001.xml")
    assert IatiImportRun.objects.get().stored == []


@pytest.mark.django_db
def test_an_iati_import_keeps_its_files_in_the_local_storage_until_it_ran(
    member: User, organisation: Organisation, settings: LazySettings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    run = iati_import_run_create(
        user=member,
        owner=organisation,
        uploads=[SimpleUploadedFile("donor.xml", FILE, content_type="application/xml")],
    )
    run.refresh_from_db()
    folder = settings.MEDIA_ROOT / "iati-imports" / str(run.pk)
    assert (folder / "0001.xml").read_bytes() == FILE
    assert iati_import_run_execute(run_id=str(run.pk)) == "done"
    assert not folder.exists()
