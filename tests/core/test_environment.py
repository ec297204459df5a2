from pathlib import Path

import pytest

from egide.environment import SettingError, read_bool, read_int, read_list, read_secret_key


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
