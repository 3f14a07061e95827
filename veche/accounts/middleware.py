"""Gates every signed-in request passes, whatever the way in (password, provider, admin):
staff sessions end after an idle spell and must have passed a second factor in this very
session; everyone must hold a consent to the current privacy policy."""

import time
from urllib.parse import parse_qsl, urlencode, urlsplit

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, logout
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from veche.accounts import backends
from veche.accounts.backends import REPLACED
from veche.accounts.queries import has_current_processing_consent
from veche.accounts.rules import has_two_factor, requires_two_factor
from veche.accounts.sessions import HINT_COOKIE, hinted_account, reads_session_ahead
from veche.core import stamped
from veche.core.errors import wants_fragment
from veche.organizations.rules import members_read

# Paths a person held at a gate may still reach: to pass it, to read the policy, or to leave.
_ALWAYS_OPEN = (
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/privacy/",
    "/notifications/unsubscribe/",
)
_SECOND_FACTOR_OPEN = (
    *_ALWAYS_OPEN,
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/password/",
)
_CONSENT_OPEN = (*_SECOND_FACTOR_OPEN, "/accounts/consent/")

# When the session last saw its person (seconds since the epoch): at sign-in, then on a staff
# session's requests, at most once a minute.
LAST_SEEN_KEY = "veche_last_seen"
_LAST_SEEN_GRANULARITY = 60
# The user and policy version whose consent this session has already found stored.
CONSENT_KEY = "veche_consent_checked"
# The user this session found to hold a staff role. Kept only once true: it can only make the
# gate stricter, while a resident's session asks again on every request, so that a role granted
# mid-session is caught at once.
STAFF_KEY = "veche_staff"


def _is_staff(request, user) -> bool:
    if request.session.get(STAFF_KEY) == str(user.pk):
        return True
    if requires_two_factor(user):
        request.session[STAFF_KEY] = str(user.pk)
        return True
    return False


def second_factor_used(request) -> bool:
    """Whether this session's sign-in (or a later re-authentication) passed a second factor:
    read from allauth's record of the session, so a role granted later is still asked for it."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def mark_seen(request) -> None:
    request.session[LAST_SEEN_KEY] = int(time.time())


def _idle_too_long(request) -> bool:
    seen = request.session.get(LAST_SEEN_KEY)
    return seen is not None and time.time() - seen > settings.VECHE_STAFF_IDLE_MINUTES * 60


def _next_query(request) -> str:
    return urlencode({"next": request.get_full_path()})


class _BeforeTheView:
    """A gate that runs once the URL is resolved, right before the view (`process_view`): the
    person's account is then read with what the view reads ahead, in one round trip
    (`stamped.view_reads`). An address that resolves to no view gets its 404 ungated."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class HtmxGateMiddleware:
    """An htmx request turned away to sign in, to pass a second factor or to consent (a session
    that ended in another tab, say) takes the whole page there: the browser's request would
    follow the redirect itself, and htmx would put the sign-in page inside the form's box. The
    person comes back to the page they were on (htmx's `HX-Current-URL`), not to the address
    the form posts to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        redirected = 300 <= response.status_code < 400 and response.has_header("Location")
        # A boosted request wants a whole page, and htmx follows its redirect as one.
        if not redirected or not wants_fragment(request):
            return response
        where = urlsplit(response["Location"])
        if where.path not in _gates():
            return response
        query = dict(parse_qsl(where.query))
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        if page.netloc == request.get_host() and page.path:
            query["next"] = page.path + (f"?{page.query}" if page.query else "")
        return HttpResponseClientRedirect(f"{where.path}?{urlencode(query)}")


def _gates() -> set[str]:
    return {
        resolve_url(settings.LOGIN_URL),
        reverse("mfa_reauthenticate"),
        reverse("mfa_activate_totp"),
        reverse("accounts:consent"),
    }


class StaffSessionMiddleware(_BeforeTheView):
    """Staff (VECHE_MFA_REQUIRED_ROLES, administrators): an idle session ends, and no staff
    page opens before a second factor is passed in this session."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        staff = _is_staff(request, user)
        if staff and _idle_too_long(request):
            logout(request)
            messages.info(request, _("You were signed out after a spell of inactivity."))
            return redirect_to_login(request.get_full_path())
        # Only staff sessions keep the idle clock going: a resident's has no idle limit, and
        # marking it once a minute saved every active resident's session to the database (a
        # signature in a surge among them). A session that turns staff counts its idleness from
        # its sign-in, so one signed in longer ago than the limit signs in again.
        seen = request.session.get(LAST_SEEN_KEY)
        if staff and (seen is None or time.time() - seen >= _LAST_SEEN_GRANULARITY):
            mark_seen(request)
        if (
            staff
            and not request.path.startswith(_SECOND_FACTOR_OPEN)
            and not second_factor_used(request)
        ):
            if not has_two_factor(user):
                messages.warning(
                    request,
                    _(
                        "Your role requires two-factor authentication. "
                        "Set up an authenticator app to continue."
                    ),
                )
                return redirect(reverse("mfa_activate_totp"))
            messages.info(
                request,
                _("Your role requires the code from your authenticator app in this session."),
            )
            return redirect(f"{reverse('mfa_reauthenticate')}?{_next_query(request)}")
        return None


class ProcessingConsentMiddleware(_BeforeTheView):
    """No use of the site before a consent to the processing of personal data under the current
    policy version, however the account was made (e-mail form, identity provider, operator)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_CONSENT_OPEN)
        ):
            checked = f"{user.pk}:{settings.VECHE_PRIVACY_POLICY_VERSION}"
            if request.session.get(CONSENT_KEY) != checked:
                if not has_current_processing_consent(user):
                    return redirect(f"{reverse('accounts:consent')}?{_next_query(request)}")
                request.session[CONSENT_KEY] = checked
        return None


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, which reads the session's account through the backends that keep it in the
    shared cache (`veche.accounts.backends`); a session signed in with one of the backends they
    replace is moved on to its replacement first. Lazy, as Django's: a request that never asks
    who is signed in reads no session. A signed-in browser is given the cookie that says where
    its next request reads ahead (`veche.accounts.sessions.HINT_COOKIE`), and loses it once
    signed out."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _signed_in(request))

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is None or not session.accessed or not stamped.is_shared():
            return response  # the session was not read: nothing is known of who is signed in
        user_id = session.get(SESSION_KEY)
        hint = request.COOKIES.get(HINT_COOKIE)
        if user_id is not None and hint != str(user_id):
            response.set_cookie(
                HINT_COOKIE,
                str(user_id),
                max_age=settings.SESSION_COOKIE_AGE,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        elif user_id is None and hint is not None:
            response.delete_cookie(
                HINT_COOKIE,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response


def _signed_in(request):
    if not hasattr(request, "_cached_user"):
        hint = None
        if stamped.is_shared():
            session_key = reads_session_ahead(request)
            hint = hinted_account(request) if session_key else None
            if hint is not None:
                # The session with the account its cookie names, in one round trip.
                _read_ahead(request, hint, [session_key])
        replacement = REPLACED.get(request.session.get(BACKEND_SESSION_KEY))
        if replacement is not None:
            request.session[BACKEND_SESSION_KEY] = replacement
        user_id = request.session.get(SESSION_KEY)
        if user_id is not None and stamped.is_shared() and str(hint) != str(user_id):
            _read_ahead(request, int(user_id), [], again=hint is not None)
    return auth_middleware.get_user(request)


def _read_ahead(request, user_id: int, keys: list[str], *, again: bool = False) -> None:
    """The account, the staff gate's set of members asked next, for a page what its header reads
    for the person, and what the view reads ahead: one round trip."""
    reads = [backends.account_read(user_id), members_read()]
    if request.method == "GET" and "HX-Request" not in request.headers:
        reads += stamped.page_reads(user_id)
    view = stamped.view_reads(request, user_id, again=again)
    stamped.read_ahead([*reads, *view.reads], [*view.keys, *keys])
