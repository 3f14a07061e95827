"""The signed-in person's account is read from the shared cache (`veche.accounts.backends`):
attacked here where a stale or leaky copy would hurt. A changed password, a deactivated or
deleted account, a rotated site key must each end the old sessions at the next request; the
copy holds no password hash, and saving it writes none back. Run on a real Redis, as in
production; with each process's own cache the database is read on every request."""

import pickle
import uuid

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.factories import PASSWORD, make_user
from veche.accounts.backends import _key, kept_user
from veche.accounts.models import User
from veche.core.release import keyed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache():
    """Redis, with keys of this test's own (the ids of a fresh test database repeat)."""
    redis = {
        "default": {
            "BACKEND": "veche.core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/12",
            "KEY_PREFIX": f"veche-kept-account-{uuid.uuid4().hex}",
        }
    }
    with override_settings(CACHES=redis):
        yield


def signed_in(client) -> bool:
    return client.get("/accounts/profile/").status_code == 200


def account_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/profile/").status_code == 200
    return sum('FROM "accounts_user"' in q["sql"] for q in queries.captured_queries)


def test_the_account_is_read_from_the_cache_after_the_first_request(client):
    person = make_user()
    client.force_login(person)
    assert signed_in(client)
    assert account_queries(client) == 0
    person.first_name = "Изменено"
    person.save()  # any save makes the kept copy stale
    assert account_queries(client) == 1
    assert kept_user(person.pk).first_name == "Изменено"


def test_a_changed_password_ends_the_other_sessions_at_once(client):
    person = make_user()
    client.force_login(person)
    assert signed_in(client)
    person.set_password("another-long-passphrase-2026")
    person.save()
    assert not signed_in(client)


@pytest.mark.parametrize("change", ["deactivate", "delete"])
def test_a_deactivated_or_deleted_account_is_signed_out_at_once(client, change):
    person = make_user()
    client.force_login(person)
    assert signed_in(client)
    if change == "deactivate":
        person.is_active = False
        person.save(update_fields=["is_active"])
    else:
        person.signatures.all().delete()
        person.delete()
    assert not signed_in(client)


def test_the_kept_copy_holds_no_password_hash_and_saving_it_writes_none(client):
    person = make_user()
    client.force_login(person)
    assert signed_in(client)
    raw = pickle.dumps(cache.get(keyed(_key(person.pk))))
    assert person.password.split("$")[-1].encode() not in raw
    assert b"argon2" not in raw
    kept = kept_user(person.pk)
    with CaptureQueriesContext(connection) as queries:
        assert kept.has_usable_password()  # the admin asks on every page
    assert len(queries) == 0
    kept.first_name = "Пётр"
    kept.save()
    stored = User.objects.get(pk=person.pk)
    assert stored.first_name == "Пётр"
    assert stored.check_password(PASSWORD)  # the hash was not overwritten
    assert kept.check_password(PASSWORD)  # and the copy reads it when asked


def test_a_new_site_key_does_not_accept_the_old_keys_sessions(client, settings):
    # Sessions in the cache, as in production: unsigned there, so only the account's check
    # value, computed under the current key, tells an old key's session from a current one.
    settings.SESSION_ENGINE = "veche.accounts.sessions"
    person = make_user()
    client.force_login(person)
    assert signed_in(client)
    settings.SECRET_KEY = "a-new-site-key-" + "x" * 40
    assert not signed_in(client)


def test_a_forged_session_hash_is_refused(client):
    person = make_user()
    client.force_login(person)
    assert signed_in(client)
    session = client.session
    session[HASH_SESSION_KEY] = "0" * 64
    session.save()
    assert not signed_in(client)


@pytest.mark.parametrize(
    "before",
    [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ],
)
def test_a_session_signed_in_before_the_upgrade_stays_signed_in(client, before):
    person = make_user()
    client.force_login(person)
    session = client.session
    session[BACKEND_SESSION_KEY] = before
    session.save()
    assert signed_in(client)
    assert client.session[BACKEND_SESSION_KEY].startswith("veche.accounts.backends.")


def test_an_unknown_backend_is_not_trusted(client):
    person = make_user()
    client.force_login(person)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.RemoteUserBackend"
    session.save()
    assert not signed_in(client)


def test_with_each_process_s_own_cache_the_account_is_read_from_the_database(client):
    own = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=own):
        person = make_user()
        client.force_login(person)
        assert account_queries(client) == 1
        assert account_queries(client) == 1  # another process's change could not reach a copy


def test_a_profile_saved_from_a_stale_copy_writes_only_the_profile(client):
    person = make_user()
    client.force_login(person)
    assert signed_in(client)
    # Deactivated past the signals (a data migration, SQL): the kept copy does not know.
    User.objects.filter(pk=person.pk).update(is_active=False)
    client.post(
        "/accounts/profile/",
        {
            "last_name": "Иванова",
            "first_name": "Мария",
            "patronymic": "",
            "name_publication": "none",
            "preferred_language": "ru",
        },
    )
    stored = User.objects.get(pk=person.pk)
    assert stored.last_name == "Иванова"
    assert stored.is_active is False  # not written back from the copy


def test_a_refreshed_copy_computes_its_session_hash_afresh():
    person = make_user()
    kept = kept_user(person.pk)
    before = kept.get_session_auth_hash()
    person.set_password("another-long-passphrase-2026")
    User.objects.filter(pk=person.pk).update(password=person.password)
    kept.refresh_from_db()
    assert kept.get_session_auth_hash() == person.get_session_auth_hash() != before
