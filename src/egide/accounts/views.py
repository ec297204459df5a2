"""Organisation pages: who belongs, with which role, and (for administrators) managing them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egide.accounts import selectors, services
from egide.accounts.forms import MembershipForm
from egide.accounts.models import Membership, Organisation, Share
from egide.actors.models import Actor
from egide.core.redirects import safe_next


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
    memberships = Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__username")
    return render(
        request,
        "accounts/organisation.html",
        {"organisation": organisation, "memberships": memberships, "administrator": administrator, "form": form},
    )


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
