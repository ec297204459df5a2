"""Every write of the reports app, and the building of a brief: `brief_build` makes a brief for any reader (the
public audience reads as an anonymous visitor), `brief_request` keeps a reader's request and queues it,
`brief_run` (the background task) builds it and keeps its files, `brief_style_set` changes an organisation's logo
and footer. Each write is audited."""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.audit.models import Action
from egide.audit.services import audit_record
from egide.core.reference import countries
from egide.core.users import Caller
from egide.reports import rendering, sections
from egide.reports.content import BriefContent
from egide.reports.models import Audience, Brief, BriefStatus, BriefStyle
from egide.reports.selectors import brief_content, brief_organisation, reader_level, require_style_permission

PUBLIC = Audience.PUBLIC
READER = Audience.READER
FIRST_DAY = datetime.date(1990, 1, 1)
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 4000
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg"}
FOOTER_MAX_LENGTH = 300


@dataclass(frozen=True, slots=True)
class BuiltBrief:
    content: BriefContent
    html: str
    """The brief's HTML (an <article>), as its page shows it."""

    def title(self) -> str:
        with translation.override(self.content.language):
            return _("Country brief: %(country)s, %(date)s") % {
                "country": self.content.country_name,
                "date": self.content.as_of.isoformat(),
            }

    def document(self) -> str:
        return rendering.brief_document(body=self.html, language=self.content.language, title=self.title())

    def pdf(self) -> bytes:
        return rendering.brief_pdf(self.document())


def _checked(
    *, country: str, as_of: datetime.date, language: str, audience: str, chosen: list[str] | None
) -> list[str]:
    if country not in countries():
        raise ValidationError(_("Unknown country: %(code)s.") % {"code": country})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language: %(language)s.") % {"language": language})
    if audience not in Audience.values:
        raise ValidationError(_("Unknown audience: %(audience)s.") % {"audience": audience})
    last = timezone.localdate() + datetime.timedelta(days=366)
    if not FIRST_DAY <= as_of <= last:
        raise ValidationError(
            _("The date must lie between %(first)s and %(last)s.") % {"first": FIRST_DAY, "last": last}
        )
    return sections.normalised(list(sections.DEFAULT_ORDER if chosen is None else chosen))


def brief_build(
    *,
    country: str,
    as_of: datetime.date,
    language: str,
    audience: str = PUBLIC,
    user: Caller = None,
    chosen: list[str] | None = None,
    organisation: Organisation | None = None,
    tick: Callable[[int], None] | None = None,
) -> BuiltBrief:
    """A brief of the country on the day, in the language, for the audience: PUBLIC holds what an anonymous
    visitor may see whoever asks (`user` is then only whose organisation's logo it may carry); READER what `user`
    may see. `chosen`: the movable sections in their order (all, in the default order, when None). Writes
    nothing."""
    chosen = _checked(country=country, as_of=as_of, language=language, audience=audience, chosen=chosen)
    if audience == READER and user is None:
        raise ValidationError(_("A brief for a reader needs that reader."))
    with translation.override(language):
        content = brief_content(
            user=user, country=country, as_of=as_of, audience=audience, chosen=chosen, organisation=organisation
        )
        if tick is not None:
            tick(60)
        return BuiltBrief(content=content, html=rendering.brief_html(content))


def public_brief_pdf(*, country: str, language: str) -> bytes:
    """The country's public brief as of today, as PDF: every section, what an anonymous visitor may see, no
    organisation's logo (the public portal serves it; writes nothing)."""
    built = brief_build(country=country, as_of=timezone.localdate(), language=language, audience=PUBLIC)
    return built.pdf()


def brief_request(
    *,
    user: User,
    country: str,
    as_of: datetime.date,
    language: str,
    audience: str = READER,
    chosen: list[str] | None = None,
) -> Brief:
    """Keep a signed-in reader's request for a brief and queue its building; audited."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to make a brief."))
    chosen = _checked(country=country, as_of=as_of, language=language, audience=audience, chosen=chosen)
    with transaction.atomic():
        brief = Brief.objects.create(
            country=country,
            as_of=as_of,
            language=language,
            audience=audience,
            level=reader_level(user=user, country=country, audience=audience),
            sections=chosen,
            organisation=brief_organisation(user=user, country=country),
            requested_by=user,
        )
        audit_record(user=user, action=Action.CREATE, instance=brief, before=None, after=_snapshot(brief))

        def enqueue() -> None:
            from egide.reports.tasks import brief_task

            brief_task.enqueue(brief.pk)

        transaction.on_commit(enqueue)
    return brief


def _snapshot(brief: Brief) -> dict[str, object]:
    return {
        "country": brief.country,
        "as_of": brief.as_of.isoformat(),
        "language": brief.language,
        "audience": brief.audience,
        "level": brief.level,
        "sections": list(brief.sections),
        "organisation": brief.organisation_id,
    }


def _progress(brief_id: int, value: int) -> None:
    Brief.objects.filter(pk=brief_id).update(progress=value)


def brief_run(*, brief_id: int) -> str:
    """Build a queued brief once (one already taken is left alone) and keep its HTML and PDF; a brief that fails
    says why and is never left running."""
    taken = Brief.objects.filter(pk=brief_id, status=BriefStatus.QUEUED).update(status=BriefStatus.RUNNING, progress=5)
    if not taken:
        return "skipped"
    brief = Brief.objects.select_related("requested_by", "organisation").get(pk=brief_id)
    try:
        if brief.audience == READER and brief.requested_by is None:
            raise ValidationError(_("The account that asked for this brief no longer exists."))
        built = brief_build(
            country=brief.country,
            as_of=brief.as_of,
            language=brief.language,
            audience=brief.audience,
            user=brief.requested_by,
            chosen=list(brief.sections),
            organisation=brief.organisation,
            tick=lambda value: _progress(brief_id, value),
        )
        stem = f"brief-{brief.country}-{brief.as_of.isoformat()}-{brief.language}-{brief.pk}"
        html = built.html.encode()
        _progress(brief_id, 70)
        pdf = built.pdf()
        brief.html.save(f"{stem}.html", ContentFile(html), save=False)
        brief.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        brief.status, brief.progress, brief.finished_at = BriefStatus.DONE, 100, timezone.now()
        brief.save(update_fields=["html", "pdf", "status", "progress", "finished_at"])
    except Exception as error:  # the brief must end, and say why
        message = (
            "; ".join(error.messages) if isinstance(error, ValidationError) else f"{type(error).__name__}: {error}"
        )
        Brief.objects.filter(pk=brief_id).update(
            status=BriefStatus.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        return str(BriefStatus.FAILED)
    return str(BriefStatus.DONE)


def brief_lost(*, brief_id: int, minutes: int = 0) -> None:
    """A brief whose worker stopped, or that ran too long, is marked failed with the reason, in its language."""
    language = Brief.objects.filter(pk=brief_id).values_list("language", flat=True).first() or "en"
    with translation.override(language):
        reason = (
            _("Building this brief took longer than %(minutes)s minutes and was stopped.") % {"minutes": minutes}
            if minutes
            else _("The background worker stopped while building this brief.")
        )
    Brief.objects.filter(pk=brief_id, status__in=[BriefStatus.QUEUED, BriefStatus.RUNNING]).update(
        status=BriefStatus.FAILED, error=reason, finished_at=timezone.now()
    )


def brief_downloaded(*, user: Caller, brief: Brief, kind: str) -> None:
    """A brief's file given to a reader: in the audit log as an export."""
    audit_record(user=user, action=Action.EXPORT, instance=brief, before=None, after={"file": kind})


def _logo_checked(upload: UploadedFile) -> tuple[bytes, str]:
    """The logo's bytes and extension: a PNG or JPEG image, within the size and the dimensions."""
    from PIL import Image, UnidentifiedImageError

    if (upload.size or 0) > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Logo: the file is larger than %(size)s KB.") % {"size": LOGO_MAX_BYTES // 1024}, code="logo"
        )
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Logo: the file is larger than %(size)s KB.") % {"size": LOGO_MAX_BYTES // 1024}, code="logo"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("Logo: not a PNG or JPEG image."), code="logo") from None
    if kind not in LOGO_FORMATS:
        raise ValidationError(_("Logo: not a PNG or JPEG image."), code="logo")
    if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
        raise ValidationError(
            _("Logo: the image is larger than %(pixels)s pixels on a side.") % {"pixels": LOGO_MAX_PIXELS},
            code="logo",
        )
    return data, LOGO_FORMATS[kind]


def brief_style_set(
    *,
    user: Caller,
    organisation: Organisation,
    footer: str,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> BriefStyle:
    """Set the logo (a PNG or JPEG image, at most LOGO_MAX_BYTES and LOGO_MAX_PIXELS a side) and the footer of the
    organisation's briefs; for its administrators. Nothing changes when anything is refused."""
    require_style_permission(user=user, organisation=organisation)
    footer = " ".join(footer.split())
    if len(footer) > FOOTER_MAX_LENGTH:
        raise ValidationError(_("Footer: at most %(count)s characters.") % {"count": FOOTER_MAX_LENGTH}, code="footer")
    checked = _logo_checked(logo) if logo is not None else None
    with transaction.atomic():
        style, _created = BriefStyle.objects.select_for_update().get_or_create(organisation=organisation)
        before = {"footer": style.footer, "logo": style.logo.name}
        old_logo = style.logo.name
        style.footer = footer
        if checked is not None:
            data, extension = checked
            style.logo.save(f"logo-{organisation.pk}{extension}", ContentFile(data), save=False)
        elif remove_logo:
            style.logo = ""
        style.save()
        if old_logo and old_logo != style.logo.name:
            name = old_logo
            transaction.on_commit(lambda: style.logo.storage.delete(name))
        audit_record(
            user=user,
            action=Action.UPDATE,
            instance=style,
            before=before,
            after={"footer": style.footer, "logo": style.logo.name},
        )
    return style
