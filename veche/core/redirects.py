"""Going back where a form came from (its `next` field), never off the site or to a forged
address."""

import unicodedata

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_next(request, target: str) -> bool:
    """A path on this site: it starts with one slash and holds no control characters."""
    return (
        target.startswith("/")
        and not any(unicodedata.category(char)[0] == "C" for char in target)
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    )


def redirect_back(request, default: str) -> HttpResponseRedirect:
    """To the POSTed `next` if it is a safe path here, else to `default` (a path)."""
    target = request.POST.get("next", "")
    return HttpResponseRedirect(target if is_safe_next(request, target) else default)
