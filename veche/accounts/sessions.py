"""Sessions with a shared cache: Django's cached_db store, whose read of the session may come
from the request's read ahead (`veche.core.stamped`).

A signed-in browser also holds a cookie that names its account (`HINT_COOKIE`), set and
dropped by `veche.accounts.middleware.AuthenticationMiddleware`. It has no authority: the
account a request acts as is the session's, always. It only says where to read ahead, so that
the session, the account, what the page's header and what the view read are fetched in one
round trip to the cache rather than two. A hint that names another account (a stale cookie, a
forged one) only makes the request read values it never uses, then read again for the
session's account; nothing read for the hinted account is given to the request, since every
value it reads is keyed by the session's account."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache import DEFAULT_CACHE_ALIAS

from veche.core import stamped

HINT_COOKIE = "veche_account"

# The outbox's kind that ends every session of an erased account (`end_sessions`).
END_SESSIONS_KIND = "accounts.end_sessions"


class SessionStore(cached_db.SessionStore):
    def load(self):
        if settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS or not stamped.was_read_ahead(
            self.cache_key
        ):  # not read ahead (`reads_session_ahead`): Django's own way
            return super().load()
        data = stamped.get(self.cache_key)
        if data is not None:
            return data
        # The cache no longer holds the session: from the database, put back in the cache, as
        # Django's store does after asking the cache, which was just asked.
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        return data


def reads_session_ahead(request) -> str | None:
    """The cache key of the request's session, when a read ahead may fetch it: a session kept
    by this store, with a key, not yet loaded."""
    session = getattr(request, "session", None)
    if (
        not isinstance(session, SessionStore)
        or session.session_key is None
        or hasattr(session, "_session_cache")
        or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS
    ):
        return None
    return session.cache_key


def hinted_account(request) -> int | None:
    """The account the request's hint names, if it names one (`HINT_COOKIE`)."""
    hint = request.COOKIES.get(HINT_COOKIE, "")
    return int(hint) if hint.isascii() and hint.isdigit() and len(hint) < 19 else None


def end_sessions(message) -> None:
    """The outbox's sender for END_SESSIONS_KIND: delete every session of the account
    `message.target_id` (an erased one) on every device, its row and its copy in the cache,
    with what signing in kept in it (the e-mail the person signed in with). The account's
    changed password already refuses those sessions; this removes what they hold. Sessions
    are not indexed by account, so every stored one is read once, in batches, in the
    background: an erasure does not wait for it."""
    engine = import_module(settings.SESSION_ENGINE)
    reader, owner = engine.SessionStore(), str(message.target_id)
    stored = Session.objects.values_list("session_key", "session_data")
    theirs = [
        key
        for key, data in stored.iterator(chunk_size=1000)
        if reader.decode(data).get(SESSION_KEY) == owner
    ]
    for key in theirs:
        engine.SessionStore(key).delete()
