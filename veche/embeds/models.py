"""The origins (scheme, host and port of another site) an operator lets frame Veche's widgets."""

from django.utils.translation import gettext_lazy as _

from veche.core.models import AllowedOrigin


class EmbedOrigin(AllowedOrigin):
    """One site allowed to show the widgets in an iframe: it goes into the widgets'
    Content-Security-Policy `frame-ancestors`. With none, nothing is embeddable."""

    class Meta(AllowedOrigin.Meta):
        verbose_name = _("embedding site")
        verbose_name_plural = _("embedding sites")
