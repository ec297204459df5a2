"""Platform staff look after programmes here (the pages and the API are where teams edit them); every change goes
to the audit log."""

from django.contrib import admin

from egide.core.admin import AuditedAdmin
from egide.programmes.models import (
    Location,
    Participation,
    Programme,
    ProgrammeArea,
    ProgrammeCountry,
    ProgrammeDocument,
    ProgrammeSector,
    SupportedActor,
)


class CountryInline(admin.TabularInline[ProgrammeCountry, Programme]):
    model = ProgrammeCountry
    extra = 0


class ParticipationInline(admin.TabularInline[Participation, Programme]):
    model = Participation
    extra = 0
    autocomplete_fields = ["organisation"]


class SectorInline(admin.TabularInline[ProgrammeSector, Programme]):
    model = ProgrammeSector
    extra = 0


class AreaInline(admin.TabularInline[ProgrammeArea, Programme]):
    model = ProgrammeArea
    extra = 0


class SupportInline(admin.TabularInline[SupportedActor, Programme]):
    model = SupportedActor
    extra = 0
    raw_id_fields = ["actor"]


class LocationInline(admin.TabularInline[Location, Programme]):
    model = Location
    extra = 0


class DocumentInline(admin.TabularInline[ProgrammeDocument, Programme]):
    model = ProgrammeDocument
    extra = 0
    exclude = ["created_by", "updated_by"]


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["iati_identifier", "title_en", "country", "status", "lifecycle_stage", "owner", "confidentiality"]
    list_filter = ["status", "lifecycle_stage", "confidentiality", "illustrative"]
    search_fields = ["iati_identifier", "title_en", "title_fr"]
    raw_id_fields = ["requested_by"]
    exclude = ["created_by", "updated_by"]
    inlines = [
        CountryInline,
        ParticipationInline,
        SectorInline,
        AreaInline,
        SupportInline,
        LocationInline,
        DocumentInline,
    ]
