"""The metrics endpoint: Prometheus's text format, for the allowed networks or the bearer token only; a 404 when
metrics are off, a 403 for anyone else."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from egide.core.client_ip import client_ip
from egide.operations import access, instruments


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not instruments.enabled():
        raise Http404
    allowed = access.address_allowed(client_ip(request), access.networks(settings.EGIDE_METRICS_NETWORKS))
    if not allowed and not access.token_allowed(request.headers.get("Authorization", ""), settings.EGIDE_METRICS_TOKEN):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    from egide.operations import metrics

    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
