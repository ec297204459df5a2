"""The audit log in Django's admin: readable, never editable, even by someone granted every permission."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import Client, RequestFactory
from django.urls import reverse

from egide.actors.models import Actor
from egide.audit.models import AuditEvent
from egide.audit.services import audit_record, snapshot
from tests.audit.conftest import People


@pytest.fixture
def event(owned_actor: Actor, people: People) -> AuditEvent:
    before = snapshot(owned_actor)
    owned_actor.name_en = "Police Force"
    owned_actor.save()
    return audit_record(
        user=people.editor, action="update", instance=owned_actor, before=before, after=snapshot(owned_actor)
    )


@pytest.fixture
def staff_client(db: None) -> Client:
    """A staff member granted every permission on audit events (add, change, delete, view)."""
    user = User.objects.create_user(username="clerk", password="a-long-test-password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="audit"))
    client = Client()
    client.force_login(user)
    return client


def test_the_log_is_listed_with_its_columns_and_filters(staff_client: Client, event: AuditEvent) -> None:
    response = staff_client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Police Force" in html
    assert "eddie" in html
    assert "Changed" in html
    assert "delete_selected" not in html
    filtered = staff_client.get(reverse("admin:audit_auditevent_changelist"), {"action": "create"})
    assert "Police Force" not in filtered.content.decode()


def test_an_event_opens_read_only_with_its_changes(staff_client: Client, event: AuditEvent) -> None:
    response = staff_client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html
    assert 'name="action"' not in html
    assert "<td>Name (English)</td><td>National Police</td><td>Police Force</td>" in html


def test_nothing_can_be_added_changed_or_deleted(staff_client: Client, event: AuditEvent) -> None:
    assert staff_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert staff_client.post(reverse("admin:audit_auditevent_add"), {"action": "create"}).status_code == 403
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert staff_client.post(change_url, {"action": "delete", "object_repr": "Forged"}).status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert staff_client.get(delete_url).status_code == 403
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = staff_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.object_repr) == ("update", "Police Force")


def test_not_even_a_superuser_may_add_change_or_delete(rf: RequestFactory, people: People, event: AuditEvent) -> None:
    model_admin = admin.site.get_model_admin(AuditEvent)
    request = rf.get("/admin/")
    request.user = people.superuser
    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)
