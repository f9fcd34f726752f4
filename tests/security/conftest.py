"""Fixtures of the attack tests: one small portal per module, built once and rolled back."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.security.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world of tests.security.world, built once for a module's tests."""
    # It lives in a transaction opened for the module and rolled back after it; each test runs
    # in a savepoint inside it (pytest-django's ``db``), so what a test writes is undone.
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def as_role(client, world, db):
    """``as_role("clerk")``: the test client signed in as that role (anonymous: signed out)."""

    def sign_in(role):
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
