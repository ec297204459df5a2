"""The admin pages of frameworks, missions and reference documents, every change audited; a document saved or
deleted here is kept in step with the full-text index like one saved from its page."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from egide.core.admin import AuditedAdmin
from egide.references import search
from egide.references.models import Framework, Mission, ReferenceDocument, ReferenceDocumentCountry


@admin.register(Framework)
class FrameworkAdmin(AuditedAdmin):
    list_display = ("code", "title_en", "issuing_body", "adopted_date", "confidentiality")
    search_fields = ("code", "title_en", "title_fr")
    list_filter = ("confidentiality",)


@admin.register(Mission)
class MissionAdmin(AuditedAdmin):
    list_display = ("name_en", "acronym_en", "country", "kind", "start_date", "end_date", "confidentiality")
    search_fields = ("name_en", "name_fr", "acronym_en")
    list_filter = ("kind", "confidentiality")
    filter_horizontal = ("documents",)


class CountryInline(admin.TabularInline[ReferenceDocumentCountry, ReferenceDocument]):
    model = ReferenceDocumentCountry
    extra = 0


@admin.register(ReferenceDocument)
class ReferenceDocumentAdmin(AuditedAdmin):
    list_display = ("symbol", "title_en", "type", "issued_date", "confidentiality")
    search_fields = ("symbol", "title_en", "title_fr")
    list_filter = ("type", "confidentiality")
    exclude = ("search_vector", "rank_vector")
    inlines = (CountryInline,)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        search.index_document(form.instance)

    def delete_model(self, request: HttpRequest, obj: ReferenceDocument) -> None:
        pk = obj.pk
        super().delete_model(request, obj)
        search.unindex_document(pk)
