"""The sites whose broadcasts a hearing's page may embed: an operator-managed list."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BroadcastOrigin(models.Model):
    """One site (`https://host[:port]`) whose player a hearing's page may show in an iframe: the
    page's Content-Security-Policy then gets `frame-src` for it alone. A broadcast elsewhere is
    a plain link."""

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
        verbose_name = _("broadcast site")
        verbose_name_plural = _("broadcast sites")
        ordering = ["origin"]

    def __str__(self) -> str:
        return self.origin
