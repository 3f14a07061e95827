"""The scope a view needs of the client's token. Which appeal the client may touch is asked
of the rules, as for a person in the cabinet; this only checks what the head let it do."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission


class HasScope(BasePermission):
    def has_permission(self, request, view) -> bool:
        client = getattr(request._request, "api_client", None)
        if client is None or request.auth is None:
            return False
        # HEAD is a GET without its body.
        method = "GET" if request.method == "HEAD" else request.method
        needed = view.required_scopes.get(method)
        if needed is None:
            # A method the view does not answer: the view says 405 (to OPTIONS, DRF describes
            # the endpoint). One it does answer without naming its scope is refused.
            return method == "OPTIONS" or not hasattr(view, method.lower())
        held = set((request.auth.scope or "").split())
        if needed not in held:
            self.message = _("The client's token does not hold the scope “%(scope)s”.") % {
                "scope": needed
            }
            return False
        return True
