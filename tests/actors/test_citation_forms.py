"""Citing sources and their documents through the forms, and removing citations."""

from pathlib import Path

from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egide.actors.models import Actor, Citation, Source
from tests.actors.html import element, field_errors, text_of
from tests.actors.pages import HTMX, army_form, changed_message, messages_shown, relationship_form
from tests.conftest import SmallMap


def test_citing_a_new_source_with_a_document_stores_it(member_client: Client, small_map: SmallMap) -> None:
    document = SimpleUploadedFile(
        "loi-2017-011.pdf", b"%PDF-1.4 the law on the armed forces", content_type="application/pdf"
    )
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        army_form(
            small_map,
            source_title="Law 17.011 on the armed forces",
            source_author="Official Journal",
            source_date="2017-05",
            source_url="https://example.org/law-17-011",
            source_document=document,
            source_locator="Art. 3",
        ),
        **HTMX,
    )
    assert response.status_code == 204
    source = Source.objects.get(title="Law 17.011 on the armed forces")
    assert (source.country, source.author, source.published, source.url) == (
        "CF",
        "Official Journal",
        "2017-05",
        "https://example.org/law-17-011",
    )
    citation = Citation.objects.get(actor=small_map.army)
    assert (citation.source, citation.locator) == (source, "Art. 3")


def test_a_cited_document_downloads_back(member_client: Client, small_map: SmallMap) -> None:
    content = b"%PDF-1.4 the law on the armed forces"
    member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        army_form(
            small_map,
            source_title="Law 17.011",
            source_document=SimpleUploadedFile("loi-2017-011.pdf", content, content_type="application/pdf"),
        ),
        **HTMX,
    )
    source = Source.objects.get(title="Law 17.011")
    page = member_client.get(reverse("actor-detail", kwargs={"pk": small_map.army.pk})).content.decode()
    assert f'<a href="{reverse("source-document", kwargs={"pk": source.pk})}">document</a>' in page
    response = member_client.get(reverse("source-document", kwargs={"pk": source.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment;")
    assert "loi-2017-011" in response["Content-Disposition"]
    response.close()


def test_uploaded_documents_are_stored_outside_the_static_files(
    member_client: Client, small_map: SmallMap, file_roots: Path
) -> None:
    member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        army_form(
            small_map,
            source_title="Law 17.011",
            source_document=SimpleUploadedFile("law.pdf", b"%PDF-1.4", content_type="application/pdf"),
        ),
        **HTMX,
    )
    stored = Path(Source.objects.get(title="Law 17.011").document.path)
    assert stored.is_relative_to(file_roots / "media")
    assert stored.read_bytes() == b"%PDF-1.4"


def test_a_source_without_a_document_has_nothing_to_download(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    assert member_client.get(reverse("source-document", kwargs={"pk": constitution.pk})).status_code == 404


def test_citing_a_recorded_source_for_a_relationship(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    response = member_client.post(
        reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}),
        relationship_form(
            small_map.presidency, "commands", small_map.army, cite_source=constitution.pk, source_locator="Art. 33"
        ),
        **HTMX,
    )
    assert response.status_code == 204
    citation = Citation.objects.get(relationship=small_map.commands)
    assert (citation.source, citation.locator) == (constitution, "Art. 33")
    assert Source.objects.count() == 1


def test_citing_a_new_source_while_creating_an_actor(member_client: Client, small_map: SmallMap) -> None:
    member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {
            "name_en": "Court of Accounts",
            "kind": "court_of_accounts",
            "confidence": "medium",
            "source_title": "Organic law on the Court of Accounts",
            "source_locator": "Art. 1",
        },
        **HTMX,
    )
    actor = Actor.objects.get(name_en="Court of Accounts")
    assert [(citation.source.title, citation.locator) for citation in actor.citations.all()] == [
        ("Organic law on the Court of Accounts", "Art. 1")
    ]


def test_citing_the_same_new_source_twice_records_it_once(member_client: Client, small_map: SmallMap) -> None:
    for actor, form in (
        (small_map.army, army_form(small_map, source_title="Law 17.011")),
        (small_map.army, army_form(small_map, source_title="Law 17.011", source_locator="Art. 9")),
    ):
        member_client.post(reverse("actor-edit", kwargs={"pk": actor.pk}), form, **HTMX)
    assert Source.objects.filter(title="Law 17.011").count() == 1
    assert Citation.objects.filter(actor=small_map.army).count() == 2


def test_choosing_a_recorded_source_and_describing_a_new_one_is_refused(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        army_form(small_map, cite_source=constitution.pk, source_title="Another source"),
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a recorded source or describe a new one, not both." in html
    assert not Citation.objects.filter(actor=small_map.army).exists()


def test_a_new_source_without_a_title_is_refused_next_to_the_title(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        army_form(small_map, source_url="https://example.org/law"),
        **HTMX,
    )
    assert field_errors(response.content.decode(), "source_title") == ["A new source needs a title."]


def test_a_source_date_that_cannot_be_read_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        army_form(small_map, source_title="Law", source_date="yesterday"),
        **HTMX,
    )
    assert field_errors(response.content.decode(), "source_date") == [
        "“yesterday” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"
    ]
    assert not Source.objects.exists()


def test_removing_a_citation_with_htmx_keeps_the_source(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    citation = Citation.objects.get(actor=small_map.defence)
    response = member_client.post(reverse("citation-delete", kwargs={"pk": citation.pk}), **HTMX)
    assert changed_message(response) == "Citation of “Constitution of 30 March 2016” removed."
    assert not Citation.objects.filter(pk=citation.pk).exists()
    assert Source.objects.filter(pk=constitution.pk).exists()
    assert Citation.objects.filter(relationship=small_map.oversees).exists()


def test_removing_a_citation_with_a_plain_post_redirects_to_the_relationship(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    citation = Citation.objects.get(relationship=small_map.oversees)
    response = member_client.post(reverse("citation-delete", kwargs={"pk": citation.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("relationship-detail", kwargs={"pk": small_map.oversees.pk})
    page = member_client.get(response["Location"])
    assert messages_shown(page) == ["Citation of “Constitution of 30 March 2016” removed."]
    assert "No source cited." in text_of(element(page.content.decode(), "#relationship-sources"))


def test_removing_a_citation_needs_a_post(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    citation = Citation.objects.get(actor=small_map.defence)
    assert member_client.get(reverse("citation-delete", kwargs={"pk": citation.pk})).status_code == 405
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_a_document_of_an_unsafe_type_is_refused(member_client: Client, small_map: SmallMap) -> None:
    document = SimpleUploadedFile("payload.html", b"<script>alert(1)</script>", content_type="text/html")
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        army_form(small_map, source_title="A page", source_document=document),
        **HTMX,
    )
    assert response.status_code == 200
    assert "Upload a document of one of these types" in response.content.decode()
    assert not Source.objects.filter(title="A page").exists()


def test_a_document_over_the_size_limit_is_refused(
    member_client: Client, small_map: SmallMap, settings: LazySettings
) -> None:
    settings.EGIDE_DOCUMENT_MAX_BYTES = 10
    document = SimpleUploadedFile("law.pdf", b"%PDF-1.4 more than ten bytes", content_type="application/pdf")
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        army_form(small_map, source_title="Law", source_document=document),
        **HTMX,
    )
    assert "The document is larger than" in response.content.decode()
    assert not Source.objects.filter(title="Law").exists()
