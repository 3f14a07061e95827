"""Who a person is, how we know it, and who may act where.

A `Verification` is one confirmed fact set about a person from one source (an identity provider,
a census list, a confirmed phone), stored in the shape of OpenID Connect for Identity Assurance
(`verified_claims` = verification + claims) so that every provider fits one model.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.core.i18n import translate, validate_translations
from veche.core.net_guard import OutboundURLRefused, check_outbound_url
from veche.identity.phones import format_phone, mask_phone


class Level(models.IntegerChoices):
    """Verification levels, ordered: a higher level satisfies every lower requirement."""

    NONE = 0, _("not verified")
    EMAIL = 10, _("e-mail confirmed")
    PHONE = 20, _("phone confirmed")
    CENSUS = 30, _("listed in a census")
    PROVIDER = 40, _("verified by an identity provider")


class Verification(models.Model):
    class Source(models.TextChoices):
        PROVIDER = "provider", _("identity provider")
        CENSUS = "census", _("census list")
        PHONE = "phone", _("phone")
        OPERATOR = "operator", _("operator")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="verifications")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # Which provider, census import or operator: "demo-esia", "census:12", "createuser".
    source_reference = models.CharField(_("source reference"), max_length=100)
    # OpenID Connect for Identity Assurance: {"verification": {...}, "claims": {...}}.
    verified_claims = models.JSONField(_("verified claims"), default=dict)
    # Copies of the claims the rules read, for queries and for rules that need no parsing.
    birthdate = models.DateField(_("date of birth"), null=True, blank=True)
    territory = models.ForeignKey(
        "territories.Territory",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory of residence"),
    )
    verified_at = models.DateTimeField(_("verified at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Who the source knows the person as, where one source entry must verify one account only:
    # a census entry (the keyed hash of its identifier) or a provider account
    # ("<provider code>:<the provider's sub>"). Empty for phones (bound by their reference) and
    # for operators.
    subject = models.CharField(
        _("identifier at the source"), max_length=300, blank=True, default=""
    )

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-verified_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]
        permissions = [
            ("rebind_verification", _("Can move a verification to another account")),
        ]
        constraints = [
            # One account per census entry and per provider account: two claims at the same
            # moment cannot both win. A revoked verification frees its subject.
            models.UniqueConstraint(
                fields=["source", "subject"],
                condition=Q(revoked_at__isnull=True) & ~Q(subject=""),
                name="verification_subject_unique",
            ),
            # One account per phone number: the reference of a confirmed phone is the number's
            # keyed hash ("phone:<hash>"); operators' phone verifications are not numbers.
            models.UniqueConstraint(
                fields=["source_reference"],
                condition=Q(
                    source="phone", revoked_at__isnull=True, source_reference__startswith="phone:"
                ),
                name="verification_phone_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ({self.source_reference})"

    def is_valid_on(self, moment: datetime.datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= moment:
            return False
        return self.expires_at is None or moment < self.expires_at

    @property
    def claims(self) -> dict:
        return self.verified_claims.get("claims", {})

    @property
    def full_name(self) -> str:
        claims = self.claims
        parts = (claims.get("family_name"), claims.get("given_name"), claims.get("middle_name"))
        return " ".join(part for part in parts if part)

    @property
    def address(self) -> str:
        address = self.claims.get("address") or {}
        return address.get("formatted", "") if isinstance(address, dict) else str(address)

    @property
    def phone_number(self) -> str:
        """The confirmed number (E.164), kept only so that its owner sees which one it is."""
        return self.claims.get("phone_number", "") if self.source == self.Source.PHONE else ""

    @property
    def phone_number_display(self) -> str:
        return format_phone(self.phone_number) if self.phone_number else ""

    @property
    def phone_number_masked(self) -> str:
        return mask_phone(self.phone_number)

    @property
    def legal_entity(self) -> dict:
        """{"name", "ogrn", "address"} of the legal entity the person represents, or {}."""
        entity = self.claims.get("legal_entity")
        return entity if isinstance(entity, dict) else {}


class PhoneCode(models.Model):
    """A code sent by SMS to confirm a number; only its keyed hash is kept, and only briefly."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the code")
        CONFIRMED = "confirmed", _("confirmed")
        VOID = "void", _("void")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="phone_codes")
    # E.164, needed until the code is entered; emptied once the code is used or void.
    number = models.CharField(_("phone number"), max_length=16, blank=True)
    number_hash = models.CharField(max_length=64, db_index=True)
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.number_hash[:8]} ({self.status})"

    def is_open_on(self, moment: datetime.datetime) -> bool:
        return self.status == self.Status.PENDING and moment < self.expires_at

    @property
    def number_display(self) -> str:
        return format_phone(self.number) if self.number else ""


class IdentityProvider(models.Model):
    """An OpenID Connect provider an administrator connects without code."""

    slug = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("Lower-case letters, digits, dashes."))
        ],
        help_text=_("Part of the sign-in address: /accounts/oidc/<code>/login/."),
    )
    name = models.JSONField(_("name"), validators=[validate_translations])
    issuer = models.URLField(
        _("issuer"), help_text=_("The provider's issuer URL; discovery is read from it.")
    )
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret = models.CharField(_("client secret"), max_length=500, blank=True)
    scopes = models.CharField(
        _("scopes"), max_length=300, default="openid profile email address birthdate"
    )
    claim_mapping = models.JSONField(
        _("claim mapping"),
        default=dict,
        blank=True,
        help_text=_(
            'Our fact → the provider\'s claim path, e.g. {"birthdate": "birthdate", '
            '"family_name": "family_name", "address": "address", '
            '"district": "address.district"}. Paths into verified_claims are tried first. '
            'A legal entity the person represents: "legal_name", "ogrn", "legal_address".'
        ),
    )
    confirmed_claim = models.CharField(
        _("confirmed-account claim"),
        max_length=100,
        blank=True,
        help_text=_("Claim that is true for a confirmed account, e.g. “trusted”. Empty: all are."),
    )
    trust_framework = models.CharField(_("trust framework"), max_length=100, default="")
    home_territory = models.ForeignKey(
        "territories.Territory",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory searched for addresses"),
        help_text=_("Residence claims are matched against the names of territories inside it."),
    )
    validity_days = models.PositiveIntegerField(
        _("verification valid for (days)"), default=365, validators=[MaxValueValidator(3650)]
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)
    is_demo = models.BooleanField(_("demo provider"), default=False, editable=False)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return translate(self.name)

    def get_login_url(self) -> str:
        return reverse("openid_connect_login", kwargs={"provider_id": self.slug})

    def clean(self):
        # The server fetches discovery, keys and tokens from the issuer: refuse addresses
        # inside our own network before anything is saved (server-side request forgery).
        if self.issuer:
            try:
                check_outbound_url(self.issuer)
            except OutboundURLRefused as refusal:
                raise ValidationError({"issuer": str(refusal)}) from None


class CensusImport(models.Model):
    """One uploaded list of residents of a territory. Identifiers are kept only as keyed hashes."""

    territory = models.ForeignKey(
        "territories.Territory", models.PROTECT, related_name="+", verbose_name=_("territory")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    row_count = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("imported at"), default=timezone.now)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("census import")
        verbose_name_plural = _("census imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.row_count})"


class CensusEntry(models.Model):
    census = models.ForeignKey(CensusImport, models.CASCADE, related_name="entries")
    identifier_hash = models.CharField(max_length=64, db_index=True)
    birthdate = models.DateField()
    territory = models.ForeignKey("territories.Territory", models.PROTECT, related_name="+")
    address = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["census", "identifier_hash"], name="census_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.census_id}:{self.identifier_hash[:8]}"


class PropertyClaim(models.Model):
    """A person's declaration of owning property in a territory, with a document to check."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    class Kind(models.TextChoices):
        LAND = "land", _("land plot")
        BUILDING = "building", _("building")
        PREMISES = "premises", _("premises")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="property_claims"
    )
    territory = models.ForeignKey(
        "territories.Territory", models.PROTECT, related_name="+", verbose_name=_("territory")
    )
    kind = models.CharField(_("kind of property"), max_length=16, choices=Kind.choices)
    cadastral_number = models.CharField(
        _("cadastral number"),
        max_length=40,
        validators=[
            RegexValidator(
                r"^\d{2}:\d{2}:\d{6,7}:\d{1,6}$",
                _("A cadastral number looks like 16:50:011101:123."),
            )
        ],
    )
    document = models.FileField(_("document"), upload_to="property-claims/%Y/%m/")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("property claim")
        verbose_name_plural = _("property claims")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.cadastral_number}"


class EligibilityRule(models.Model):
    """Who may do one kind of action on one object (or everywhere, when no object is given)."""

    class Action(models.TextChoices):
        SIGN = "sign", _("sign an appeal")
        PUBLISH = "publish", _("publish a problem")
        SUBMIT = "submit", _("send a proposal or remark")
        ASK = "ask", _("ask an expert")
        RATE = "rate", _("rate an answer")

    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    min_level = models.PositiveSmallIntegerField(
        _("minimum verification"), choices=Level.choices, default=Level.EMAIL
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    territories = models.ManyToManyField(
        "territories.Territory",
        blank=True,
        related_name="+",
        verbose_name=_("territories of residence"),
        help_text=_("Residents of these territories (and everything inside them). Empty: anyone."),
    )
    owners_qualify = models.BooleanField(
        _("owners of property there qualify"),
        default=False,
        help_text=_("People with an accepted property claim in these territories may act too."),
    )

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "content_type", "object_id"],
                name="eligibility_rule_unique",
                condition=Q(content_type__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["action"],
                name="eligibility_default_rule_unique",
                condition=Q(content_type__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        default = _("site-wide")
        return f"{self.get_action_display()} — {self.target or default}"
