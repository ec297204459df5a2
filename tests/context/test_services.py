"""Loading a source: all or nothing, a second load changes nothing, changed and withdrawn values follow the file,
and only platform staff (or the command line) may load."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from egide.accounts.models import Confidentiality
from egide.accounts.selectors import PLATFORM
from egide.audit.models import AuditEvent
from egide.context.models import Indicator, Observation, SourceLoad
from egide.context.services import source_load
from egide.context.sources import SOURCE_BY_CODE
from egide.context.sources.readers import GPI_FILE

GPI = SOURCE_BY_CODE["gpi"]


def _gpi(folder: Path, text: str) -> Path:
    (folder / GPI_FILE).write_text(text, encoding="utf-8")
    return folder


def _load(folder: Path, user: User | None = PLATFORM):
    return source_load(user=user, source=GPI, reading=GPI.read(folder))


def _stored() -> dict[tuple[str, int], float]:
    return {(o.country, o.year): o.value for o in Observation.objects.filter(indicator__code="gpi.overall")}


@pytest.mark.django_db
def test_first_load_creates_the_indicator_and_its_values(tmp_path: Path) -> None:
    loaded = _load(_gpi(tmp_path, "Country,iso3c,2021,2022\nChad,TCD,2.5,2.6\nKosovo,KSV,0.000,1.9\n"))
    indicator = Indicator.objects.get(code="gpi.overall")
    assert (indicator.name_en, indicator.name_fr) == ("Global Peace Index", "Indice mondial de la paix")
    assert (indicator.minimum, indicator.maximum, indicator.higher_is_better) == (1, 5, False)
    assert indicator.confidentiality == Confidentiality.PUBLIC
    assert _stored() == {("TD", 2021): 2.5, ("TD", 2022): 2.6, ("XK", 2022): 1.9}
    assert (loaded.load.created, loaded.load.missing, loaded.indicators_created) == (3, 1, 1)
    assert AuditEvent.objects.filter(action="import", object_id=loaded.load.pk).exists()


@pytest.mark.django_db
def test_loading_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    folder = _gpi(tmp_path, "Country,iso3c,2021,2022\nChad,TCD,2.5,2.6\n")
    _load(folder)
    ids = set(Observation.objects.values_list("id", flat=True))
    events = AuditEvent.objects.count()
    again = _load(folder)
    assert not again.changed
    assert (again.load.created, again.load.updated, again.load.deleted, again.load.unchanged) == (0, 0, 0, 2)
    assert set(Observation.objects.values_list("id", flat=True)) == ids
    assert AuditEvent.objects.count() == events + 1  # the load itself, nothing else


@pytest.mark.django_db
def test_a_new_edition_changes_adds_and_withdraws_values(tmp_path: Path) -> None:
    _load(_gpi(tmp_path, "Country,iso3c,2021,2022\nChad,TCD,2.5,2.6\nMali,MLI,2.9,3.0\n"))
    loaded = _load(_gpi(tmp_path, "Country,iso3c,2021,2022,2023\nChad,TCD,2.5,2.7,2.8\nMali,MLI,2.9,0.000,3.1\n"))
    assert _stored() == {("TD", 2021): 2.5, ("TD", 2022): 2.7, ("TD", 2023): 2.8, ("ML", 2021): 2.9, ("ML", 2023): 3.1}
    assert (loaded.load.created, loaded.load.updated, loaded.load.deleted, loaded.load.unchanged) == (2, 1, 1, 2)


@pytest.mark.django_db
def test_unmapped_codes_are_recorded_with_the_load(tmp_path: Path) -> None:
    loaded = _load(_gpi(tmp_path, "Country,iso3c,2021\nChad,TCD,2.5\nAtlantis,ATL,1.2\n"))
    assert loaded.load.unmapped == [{"code": "ATL", "name": "Atlantis", "rows": 1}]
    assert SourceLoad.objects.get().unmapped == loaded.load.unmapped


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["owner", "member", "outsider"])
def test_only_platform_staff_may_load(who: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        _load(_gpi(tmp_path, "Country,iso3c,2021\nChad,TCD,2.5\n"), user)
    assert not Observation.objects.exists()
    assert not Indicator.objects.exists()


@pytest.mark.django_db
def test_staff_may_load(staff: User, tmp_path: Path) -> None:
    loaded = _load(_gpi(tmp_path, "Country,iso3c,2021\nChad,TCD,2.5\n"), staff)
    assert loaded.load.loaded_by == staff
    assert _stored() == {("TD", 2021): 2.5}
