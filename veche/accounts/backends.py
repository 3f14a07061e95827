"""The sign-in backends, with the person's account read from the shared cache on every request
rather than from the database (README, "Design decisions").

Django reads the account of a signed-in session on every request, one query that cost about a
sixth of a signature's CPU in a surge. With a cache shared by every process (Redis), `kept_user`
keeps it there (with each process's own cache, the database is read as before), stamped with a
version that every save or deletion of the account moves on (`veche.core.stamped`), so that a
blocked, deactivated or changed account is read afresh by the next request. The kept copy
holds no password hash: the password is left out (deferred: read from the database if asked
for, and never written back by `save`), and the copy carries the session's check value
computed from it instead, under the site's key (`User.get_session_auth_hash`).
"""

import hashlib

from allauth.account import auth_backends
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.db.models.signals import post_delete, post_save

from veche.core import stamped

SECONDS = 300


def _key(user_id) -> str:
    # The check value depends on the site's key: a copy made under another key is not read.
    site = hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=6).hexdigest()
    return f"account:{user_id}:{site}"


def _version_key(user_id) -> str:
    return f"account-version:{user_id}"


def kept_user(user_id):
    """The account `user_id`, from the shared cache when its copy is current; None if there is
    no such account."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    key, version_key = account_read(user_id)
    return stamped.stamped(key, version_key, lambda: _build(user_id), shared_seconds=SECONDS)


def account_read(user_id) -> stamped.Read:
    """What `kept_user` reads from the shared cache, for a request to read it ahead."""
    return stamped.Read(_key(user_id), _version_key(user_id))


def _build(user_id):
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is not None:
        user.keep_session_auth_hash()
    return user


def keep_accounts(user_ids: list[int]) -> None:
    """Put these accounts in the shared cache at once, as their first requests would (a
    warm-up, as `veche.identity.eligibility.keep_records`)."""
    users = get_user_model()._default_manager.filter(pk__in=user_ids)
    for user in users:
        user.keep_session_auth_hash()
    stamped.keep_many(
        {_key(user.pk): user for user in users},
        {_key(user.pk): (_version_key(user.pk),) for user in users},
        shared_seconds=SECONDS,
    )


def account_changed(sender, instance, **kwargs) -> None:
    stamped.forget(_key(instance.pk), _version_key(instance.pk))


class KeptUserMixin:
    def get_user(self, user_id):
        if not stamped.is_shared():
            # A cache of each process's own: a change made in another process (a worker, the
            # admin in another gunicorn worker) would not reach this one's copy.
            return super().get_user(user_id)
        user = kept_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(KeptUserMixin, backends.ModelBackend):
    """Django's backend (the admin's sign-in, tests), reading the account from the cache."""


class AuthenticationBackend(KeptUserMixin, auth_backends.AuthenticationBackend):
    """allauth's backend (the site's sign-in), reading the account from the cache."""


# Sessions signed in before these backends name the ones they replace; `AuthenticationMiddleware`
# moves them on, so that nobody is signed out by an upgrade.
REPLACED = {
    "django.contrib.auth.backends.ModelBackend": f"{__name__}.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": f"{__name__}.AuthenticationBackend",
}


def watch_accounts() -> None:
    """Connects the signals that make a kept account stale (from the app's `ready`)."""
    model = get_user_model()
    for signal in (post_save, post_delete):
        signal.connect(account_changed, sender=model, weak=False, dispatch_uid="veche_kept_user")
