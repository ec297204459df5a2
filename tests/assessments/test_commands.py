"""`egide assessments …` and the shipped frameworks loaded by setup and demo."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from egide.assessments import services
from egide.assessments.models import Assessment, FrameworkVersion
from tests.assessments.helpers import SMALL, as_yaml, small_document


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_loading_a_file_then_listing(db: None) -> None:
    out, _ = run("assessments", "frameworks", "load", str(SMALL))
    assert "small-review 1.0: loaded, 2 sections, 4 questions" in out
    out, _ = run("assessments", "frameworks", "load", str(SMALL))
    assert "already loaded, unchanged" in out
    out, _ = run("assessments", "frameworks", "list")
    assert "small-review" in out
    assert "4 questions" in out


def test_a_faulty_file_prints_every_fault_and_fails(db: None, tmp_path: Path) -> None:
    document = small_document()
    document["sections"][0]["area"] = "space"
    document["bands"][0]["minimum"] = 300
    path = tmp_path / "faulty.yaml"
    path.write_bytes(as_yaml(document))
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("assessments", "frameworks", "load", str(path), stdout=io.StringIO(), stderr=err)
    assert failed.value.returncode == 1
    assert "2 fault(s)" in str(failed.value)
    assert "sections[0].area" in err.getvalue()
    assert "bands[0].minimum" in err.getvalue()
    assert not FrameworkVersion.objects.exists()


def test_a_missing_file_fails(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as failed:
        run("assessments", "frameworks", "load", str(tmp_path / "none.yaml"))
    assert failed.value.returncode == 2


def test_score_as_a_table_and_as_json(assessment: Assessment) -> None:
    question = assessment.framework_version.questions.get(code="J1")
    services.answer_save(
        user=None, assessment=assessment, question=question, data=services.AnswerData(value=Decimal(3))
    )
    out, _ = run("assessments", "score", str(assessment.pk))
    assert "justice" in out
    assert "100.0" in out
    assert "(1/2)" in out
    document = json.loads(run("assessments", "score", str(assessment.pk), "--format", "json")[0])
    assert document["overall"] == {"score": 100.0, "band": "A", "coverage": 25.0, "answered": 1, "applicable": 4}
    assert [section["code"] for section in document["sections"]] == ["justice", "oversight"]
    with pytest.raises(CommandError):
        run("assessments", "score", "999999")


def test_setup_loads_the_shipped_frameworks_once(db: None) -> None:
    out, _ = run("setup", "--no-demo", "--no-static")
    assert "Assessment frameworks: 2 of 2 loaded." in out
    assert set(FrameworkVersion.objects.values_list("framework__identifier", flat=True)) == {
        "ssr-governance-baseline",
        "sector-review",
    }
    out, _ = run("setup", "--no-demo", "--no-static")
    assert "Assessment frameworks: 0 of 2 loaded." in out
    assert FrameworkVersion.objects.count() == 2
