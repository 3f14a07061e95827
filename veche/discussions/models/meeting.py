"""The sites whose broadcasts a hearing's page may embed: an operator-managed list."""

from django.utils.translation import gettext_lazy as _

from veche.core.models import AllowedOrigin


class BroadcastOrigin(AllowedOrigin):
    """One site (`https://host[:port]`) whose player a hearing's page may show in an iframe: the
    page's Content-Security-Policy then gets `frame-src` for it alone. A broadcast elsewhere is
    a plain link."""

    class Meta(AllowedOrigin.Meta):
        verbose_name = _("broadcast site")
        verbose_name_plural = _("broadcast sites")
