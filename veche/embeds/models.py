"""The origins (scheme, host and port of another site) an operator lets frame Veche's widgets."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmbedOrigin(models.Model):
    """One site allowed to show the widgets in an iframe: it goes into the widgets'
    Content-Security-Policy `frame-ancestors`. With none, nothing is embeddable."""

    origin = models.CharField(_("origin"), max_length=255, unique=True)
    reason = models.CharField(_("why"), max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("embedding site")
        verbose_name_plural = _("embedding sites")
        ordering = ["origin"]

    def __str__(self) -> str:
        return self.origin
