"""The administrator role manages staff accounts but cannot become, or take over, a superuser."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from portal import roles
from tests.security.attack import admin_save, saved

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-2026!"


def test_an_administrator_cannot_make_themselves_a_superuser(as_role, world):
    client = as_role("administrator")
    me = world.user("administrator")
    delete = Permission.objects.get(codename="delete_article")
    response = admin_save(
        client,
        f"/admin/auth/user/{me.pk}/change/",
        {"is_superuser": "on", "user_permissions": [str(delete.pk)]},
        "user_form",
    )
    assert response.status_code in (200, 302)
    me.refresh_from_db()
    assert not me.is_superuser
    assert not me.user_permissions.exists()


def test_an_administrator_cannot_open_or_take_over_a_superuser_s_account(as_role, world):
    client = as_role("administrator")
    superuser = world.user("superuser")
    for page in ("change/", "history/", "password/", "delete/"):
        response = client.get(f"/admin/auth/user/{superuser.pk}/{page}")
        assert response.status_code in (302, 403, 404), page
        assert response.get("Location", "") != f"/admin/auth/user/{superuser.pk}/{page}"
    client.post(
        f"/admin/auth/user/{superuser.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    superuser.refresh_from_db()
    assert not superuser.check_password(NEW_PASSWORD)
    listed = client.get("/admin/auth/user/").context["cl"].result_list
    assert superuser not in listed


def test_an_administrator_still_gives_staff_their_roles(as_role, world):
    client = as_role("administrator")
    writer = world.user("other_writer")
    editors = Group.objects.get(name=roles.role_group_name(roles.EDITOR))
    response = admin_save(
        client,
        f"/admin/auth/user/{writer.pk}/change/",
        {"groups": [str(editors.pk)], "first_name": "Biên tập mới"},
        "user_form",
    )
    assert saved(response)
    writer.refresh_from_db()
    assert list(writer.groups.all()) == [editors] and writer.first_name == "Biên tập mới"


def test_a_superuser_still_makes_superusers(as_role, world):
    client = as_role("superuser")
    other = world.user("other_writer")
    assert saved(
        admin_save(
            client, f"/admin/auth/user/{other.pk}/change/", {"is_superuser": "on"}, "user_form"
        )
    )
    assert get_user_model().objects.get(pk=other.pk).is_superuser
