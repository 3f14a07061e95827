"""Organizations (authorities and other addressees), their tree, jurisdiction and staff."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.core.i18n import translate, validate_translations
from veche.organizations.ogrn import validate_ogrn


class Organization(models.Model):
    class Kind(models.TextChoices):
        AUTHORITY = "authority", _("public authority")
        MUNICIPAL_COMPANY = "municipal_company", _("municipal company")
        PARTY = "party", _("political party")
        DEPUTY = "deputy", _("deputy")
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
    ogrn = models.CharField(
        _("OGRN"),
        max_length=15,
        blank=True,
        validators=[validate_ogrn],
        help_text=_("Primary state registration number: 13 digits, or 15 for an OGRNIP."),
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
        constraints = [
            # One cabinet per registered legal entity; deputies and older rows may have none.
            models.UniqueConstraint(
                fields=["ogrn"], condition=~Q(ogrn=""), name="organization_unique_ogrn"
            )
        ]

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


# The roles a head may give by invitation; moderators are the platform's, not an organization's.
INVITABLE_ROLES = (
    Membership.Role.OFFICIAL,
    Membership.Role.HEAD,
    Membership.Role.ORGANIZER,
    Membership.Role.EXPERT,
)


class CabinetApplication(models.Model):
    """A request to register an organization's official cabinet, filed by the person who will
    head it there; a platform administrator approves it (the organization is created) or
    refuses it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="cabinet_applications",
        verbose_name=_("filed by"),
    )
    name = models.JSONField(_("name"), validators=[validate_translations])
    short_name = models.JSONField(_("short name"), blank=True, default=dict)
    kind = models.CharField(_("kind"), max_length=24, choices=Organization.Kind.choices)
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True, validators=[validate_ogrn])
    jurisdiction = models.ManyToManyField(
        "territories.Territory",
        related_name="+",
        verbose_name=_("jurisdiction"),
    )
    appeals_email = models.EmailField(_("e-mail for appeals"))
    head_name = models.CharField(_("head's full name"), max_length=200)
    head_position = models.CharField(_("head's position"), max_length=200)
    postal_address = models.TextField(_("postal address"))
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="organizations/applications/", blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    organization = models.OneToOneField(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("organization"),
    )

    class Meta:
        verbose_name = _("application for a cabinet")
        verbose_name_plural = _("applications for a cabinet")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A double click, or two people of one organization, file one application at a time.
            models.UniqueConstraint(
                fields=["ogrn"],
                condition=Q(status="pending") & ~Q(ogrn=""),
                name="cabinet_application_one_pending_per_ogrn",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # A deputy is a person, registered nowhere as a legal entity; everyone else is.
        if self.kind != Organization.Kind.DEPUTY and not self.ogrn:
            raise ValidationError(
                {"ogrn": _("Give the organization's OGRN; only a deputy applies without one.")}
            )

    @property
    def title(self) -> str:
        return translate(self.name)


class Invitation(models.Model):
    """A head's invitation of a person, by e-mail, to a staff role. The link in the letter holds
    a signed token (`veche.cabinet.invitations`) that works once and until `expires_at`; whether
    it has expired is read from the date, so no job has to mark it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REVOKED = "revoked", _("revoked")

    organization = models.ForeignKey(
        Organization, models.CASCADE, related_name="invitations", verbose_name=_("organization")
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices)
    position = models.CharField(_("position"), max_length=200, blank=True)
    # The secret half of the token: the link's signature covers it, and it dies with the row.
    nonce = models.CharField(max_length=64, editable=False)
    language = models.CharField(_("language of the letter"), max_length=8, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    closed_at = models.DateTimeField(_("accepted or revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[role.value for role in INVITABLE_ROLES]),
                name="invitation_invitable_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} ({self.organization})"

    def is_open(self, moment) -> bool:
        """Pending and not yet expired at `moment`."""
        return self.status == self.Status.PENDING and moment < self.expires_at
