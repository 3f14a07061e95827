"""Which pages may be framed, and by whom: only the widgets, only by the sites an operator
listed (`EmbedOrigin`). Every other page keeps `frame-ancestors 'none'` and
`X-Frame-Options: DENY` from the middleware; a widget with no site listed keeps them too."""

from functools import wraps

from django.conf import settings
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.cache import patch_vary_headers

from veche.core.middleware import content_security_policy, registered_form_action_origins
from veche.core.stamped import move_on, stamped
from veche.embeds.models import EmbedOrigin


def allowed_origins(request=None) -> list[str]:
    """The listed sites, read once per request however many parts of a page ask."""
    cached = getattr(request, "_embed_origins", None)
    if cached is not None:
        return cached
    origins = stamped(ORIGINS_KEY, ORIGINS_VERSION_KEY, _read_origins)
    if request is not None:
        request._embed_origins = origins
    return origins


# Every territory, organization and discussion page asks (for its "Embed" disclosure): kept in
# the shared cache, and an operator's addition or removal applies to the next request.
ORIGINS_KEY = "embeds:origins"
ORIGINS_VERSION_KEY = "embeds:origins-version"


def _read_origins() -> list[str]:
    return list(EmbedOrigin.objects.order_by("origin").values_list("origin", flat=True))


def _origins_changed(**kwargs) -> None:
    move_on(ORIGINS_VERSION_KEY)


for _signal in (post_save, post_delete):
    _signal.connect(_origins_changed, sender=EmbedOrigin, weak=False)


def widget_language(request) -> str | None:
    """The language a widget was asked in (`?lang=ru`), if one of ours; else the visitor's
    own, which the locale middleware took from the Accept-Language header."""
    language = request.GET.get("lang", "")
    return language if language in dict(settings.LANGUAGES) else None


def widget(view):
    """A page other sites may frame: in the language asked, framed only by the listed sites."""

    @wraps(view)
    def framed(request, *args, **kwargs):
        language = widget_language(request)
        if language:
            with translation.override(language):
                request.LANGUAGE_CODE = language
                response = view(request, *args, **kwargs)
            response["Content-Language"] = language
        else:
            response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept-Language"])
        try:
            origins = allowed_origins(request)
        except DatabaseError:  # an error page must still go out, unframed
            origins = []
        if origins:
            response["Content-Security-Policy"] = content_security_policy(
                registered_form_action_origins(), frame_ancestors=origins
            )
            response.xframe_options_exempt = True
        return response

    return framed
