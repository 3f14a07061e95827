"""Organizations taking up a problem publicly: a deputy, a party or any other organization
supports a problem with a letter on its letterhead to the appeal's addressee. A model of the
appeals app, kept apart from `models.py` to hold each file to its sections."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The outbox kind of the letter that carries an organization's support to the addressee.
TAKE_UP_KIND = "appeals.take_up"


class TakeUp(models.Model):
    """One organization's public support of a problem. The letter is frozen when it is sent:
    its text, its signer and the support the appeal had then are stored here, so that the PDF
    issued under its verification code is the same whenever it is rendered again. The letter
    goes to the addressee of the problem's appeal at that moment (`addressee`, `recipient`),
    through the outbox (kind `TAKE_UP_KIND`, target this row)."""

    problem = models.ForeignKey(
        "Problem", models.CASCADE, related_name="take_ups", verbose_name=_("problem")
    )
    appeal = models.ForeignKey(
        "Appeal", models.CASCADE, related_name="take_ups", verbose_name=_("appeal")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        models.PROTECT,
        related_name="take_ups_made",
        verbose_name=_("taken up by"),
    )
    addressee = models.ForeignKey(
        "organizations.Organization", models.PROTECT, related_name="+", verbose_name=_("addressee")
    )
    recipient = models.EmailField(_("recipient"))
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signer_name = models.CharField(_("signer's name"), max_length=300)
    signer_position = models.CharField(_("signer's position"), max_length=300, blank=True)
    text = models.TextField(_("text of the letter"), max_length=5000)
    signature_count = models.PositiveIntegerField(_("signatures when taken up"))
    document = models.ForeignKey(
        "documents.IssuedDocument",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("letter"),
    )
    created_at = models.DateTimeField(_("taken up"), default=timezone.now)

    class Meta:
        verbose_name = _("problem taken up")
        verbose_name_plural = _("problems taken up")
        ordering = ["created_at", "id"]
        constraints = [
            # An organization supports a problem once: a second letter would only repeat it.
            models.UniqueConstraint(
                fields=["problem", "organization"], name="one_take_up_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return f"problem {self.problem_id} taken up by {self.organization_id}"
