"""Organizations (authorities and other addressees), their tree, jurisdiction and staff."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veche.core.i18n import translate, validate_translations


class Organization(models.Model):
    class Kind(models.TextChoices):
        AUTHORITY = "authority", _("public authority")
        MUNICIPAL_COMPANY = "municipal_company", _("municipal company")
        PARTY = "party", _("political party")
        NGO = "ngo", _("non-governmental organization")
        BUSINESS = "business", _("business")

    slug = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("Lower-case letters, digits, dashes."))
        ],
    )
    name = models.JSONField(_("name"), validators=[validate_translations])
    short_name = models.JSONField(_("short name"), blank=True, default=dict)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organization"),
        help_text=_("Where unsolved problems are escalated."),
    )
    jurisdiction = models.ManyToManyField(
        "territories.Territory",
        blank=True,
        related_name="organizations",
        verbose_name=_("jurisdiction"),
        help_text=_("Territories the organization answers for (their districts included)."),
    )
    description = models.JSONField(_("description"), blank=True, default=dict)
    dispatch_email = models.EmailField(
        _("dispatch e-mail"), help_text=_("Where appeals are sent. Never shown publicly.")
    )
    public_email = models.EmailField(_("public e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    website = models.URLField(_("website"), blank=True)
    postal_address = models.TextField(_("postal address"))
    logo = models.ImageField(_("logo"), upload_to="organizations/logos/", blank=True)
    letterhead_heading = models.JSONField(
        _("letterhead heading"),
        blank=True,
        default=dict,
        help_text=_("Lines printed at the top of the organization's documents."),
    )
    letterhead_footer = models.JSONField(_("letterhead footer"), blank=True, default=dict)
    signatory_title = models.JSONField(
        _("signatory's title"),
        blank=True,
        default=dict,
        help_text=_("E.g. “Head of administration”."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.slug])

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("An organization cannot be its own parent.")})
            ancestor = ancestor.parent

    @property
    def title(self) -> str:
        return translate(self.name)

    @property
    def short_title(self) -> str:
        return translate(self.short_name) or self.title

    @property
    def description_text(self) -> str:
        return translate(self.description)

    def ancestors(self) -> list["Organization"]:
        chain, current = [], self.parent
        while current is not None:
            chain.append(current)
            current = current.parent
        return list(reversed(chain))


class Membership(models.Model):
    """A person's staff role in an organization; one row per role."""

    class Role(models.TextChoices):
        HEAD = "head", _("head")
        OFFICIAL = "official", _("official")
        MODERATOR = "moderator", _("moderator")
        ORGANIZER = "organizer", _("organizer of discussions")
        EXPERT = "expert", _("expert")

    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    position = models.CharField(_("position"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organization})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._forget_holder_roles()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        self._forget_holder_roles()
        return deleted

    def _forget_holder_roles(self) -> None:
        """The person's roles, if already read for the user object this row holds, are stale."""
        from veche.organizations.rules import forget_roles  # rules imports these models

        if Membership.user.is_cached(self):
            forget_roles(self.user)
