"""Organisation pages: who belongs, with which role, and (for administrators) managing them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from egide.accounts import selectors, services
from egide.accounts.forms import InvitationAcceptForm, InvitationForm, MembershipForm
from egide.accounts.models import Invitation, Membership, Organisation, Share
from egide.actors.models import Actor
from egide.core.redirects import safe_next
from egide.core.web import apply_form_errors


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.user_organisations(user=request.user).order_by("acronym")
    return render(request, "accounts/organisations.html", {"organisations": organisations})


def _organisation_or_404(request: HttpRequest, pk: int) -> Organisation:
    try:
        return selectors.user_organisations(user=request.user).get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404(_("No such organisation.")) from None


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_or_404(request, pk)
    administrator = selectors.is_administrator(user=request.user, organisation=organisation)
    form = MembershipForm(request.POST or None) if administrator else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the organisation's administrators manage its members."))
        if form.is_valid():
            try:
                member = User.objects.get(username=form.cleaned_data["username"])
            except User.DoesNotExist:
                form.add_error("username", _("No user has this username."))
            else:
                try:
                    services.membership_set(
                        user=request.user,
                        organisation=organisation,
                        member=member,
                        role=form.cleaned_data["role"],
                        countries=form.country_list(),
                    )
                except ValidationError as error:
                    form.add_error("countries", error.messages)
                else:
                    messages.success(request, _("%(user)s is now a member.") % {"user": member.get_username()})
                    return HttpResponseRedirect(reverse("organisation-detail", kwargs={"pk": organisation.pk}))
    return _organisation_page(request, organisation, administrator=administrator, form=form)


def _organisation_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    administrator: bool,
    form: MembershipForm | None = None,
    invitation_form: InvitationForm | None = None,
) -> HttpResponse:
    memberships = Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__username")
    if administrator and invitation_form is None:
        invitation_form = InvitationForm()
    return render(
        request,
        "accounts/organisation.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "administrator": administrator,
            "form": form if form is not None else (MembershipForm() if administrator else None),
            "invitation_form": invitation_form,
            "invitations": selectors.organisation_invitations(user=request.user, organisation=organisation),
            "invitation_days": settings.EGIDE_INVITATION_DAYS,
        },
        status=400 if (invitation_form is not None and invitation_form.errors) else 200,
    )


@login_required
@require_POST
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator invites a person by e-mail; the person chooses a username and a password from the link."""
    organisation = _organisation_or_404(request, pk)
    if not selectors.is_administrator(user=request.user, organisation=organisation):
        raise PermissionDenied(_("Only the organisation's administrators manage its members."))
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                user=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                countries=form.country_list(),
                accept_url=lambda secret: request.build_absolute_uri(
                    reverse("invitation-accept", kwargs={"secret": secret})
                ),
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return HttpResponseRedirect(reverse("organisation-detail", kwargs={"pk": organisation.pk}) + "#invitations")
    return _organisation_page(request, organisation, administrator=True, invitation_form=form)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        invitation = Invitation.objects.select_related("organisation").get(
            pk=pk, organisation__in=selectors.user_organisations(user=request.user)
        )
    except Invitation.DoesNotExist:
        raise Http404(_("No such invitation.")) from None
    try:
        services.invitation_revoke(user=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return HttpResponseRedirect(
        reverse("organisation-detail", kwargs={"pk": invitation.organisation_id}) + "#invitations"
    )


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, secret: str) -> HttpResponse:
    """The invited person's page: choose a username and a password. The link works once, until it expires."""
    try:
        invitation = services.invitation_usable(secret=secret)
    except services.InvitationUnusable as unusable:
        return render(request, "accounts/invitation_unusable.html", {"problem": unusable.messages[0]}, status=410)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.invitation_accept(
                secret=secret, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
        except services.InvitationUnusable as unusable:
            return render(request, "accounts/invitation_unusable.html", {"problem": unusable.messages[0]}, status=410)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_form_errors(form, error)
            else:
                form.add_error("password1", error.messages)
        else:
            messages.success(
                request,
                _("Your account “%(username)s” is ready. Log in with your new password.")
                % {"username": member.get_username()},
            )
            return HttpResponseRedirect(reverse("login"))
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})


@login_required
@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        membership = Membership.objects.select_related("organisation", "user").get(
            pk=pk, organisation__in=selectors.user_organisations(user=request.user)
        )
    except Membership.DoesNotExist:
        raise Http404(_("No such membership.")) from None
    try:
        services.membership_remove(user=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(user)s is no longer a member.") % {"user": membership.user.get_username()})
    return HttpResponseRedirect(reverse("organisation-detail", kwargs={"pk": membership.organisation_id}))


@login_required
@require_POST
def share_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        share = Share.objects.select_related("organisation").get(pk=pk)
    except Share.DoesNotExist:
        raise Http404(_("No such share.")) from None
    record = share.record
    if record is None or not selectors.can_manage(user=request.user, record=record):
        raise Http404(_("No such share."))
    services.share_remove(user=request.user, share=share)
    messages.success(
        request, _("No longer shared with %(organisation)s.") % {"organisation": share.organisation.acronym}
    )
    fallback = reverse("actor-detail", kwargs={"pk": share.object_id}) if isinstance(record, Actor) else reverse("home")
    return HttpResponseRedirect(safe_next(request, fallback=fallback))
