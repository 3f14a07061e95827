"""People who use Veche. Sign-in is by e-mail; names are private unless the person consents."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class VecheUserManager(UserManager):
    """Users are identified by e-mail; there is no username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class NamePublication(models.TextChoices):
        NONE = "none", _("Do not publish my name")
        INITIALS = "initials", _("Surname and initials (Ivanov I. I.)")
        FULL = "full", _("Full name")

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    # How the public may see this name: "none" unless they consented (152-FZ, docs/rules.md).
    name_publication = models.CharField(
        _("publication of my name"),
        max_length=16,
        choices=NamePublication.choices,
        default=NamePublication.NONE,
    )
    name_publication_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    preferred_language = models.CharField(_("language"), max_length=8, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = VecheUserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.email

    def keep_session_auth_hash(self) -> None:
        """Ready the account to be kept in the shared cache (`veche.accounts.backends`): the
        session's check value is computed now, and the password hash left out of the copy
        (deferred: read from the database if anything asks for it, never written by `save`)."""
        self._kept_session_auth_hash = super().get_session_auth_hash()
        self._kept_usable_password = super().has_usable_password()
        del self.__dict__["password"]

    def refresh_from_db(self, *args, **kwargs):
        # What the copy kept of its password is as old as the copy.
        self.__dict__.pop("_kept_session_auth_hash", None)
        self.__dict__.pop("_kept_usable_password", None)
        super().refresh_from_db(*args, **kwargs)

    def _kept(self, name: str):
        """What the kept copy knows of its password, while the password is not read."""
        if "password" in self.get_deferred_fields():
            return self.__dict__.get(name)
        return None

    def get_session_auth_hash(self) -> str:
        kept = self._kept("_kept_session_auth_hash")
        return super().get_session_auth_hash() if kept is None else kept

    def has_usable_password(self) -> bool:  # asked by the admin's every page
        kept = self._kept("_kept_usable_password")
        return super().has_usable_password() if kept is None else kept

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def published_name(self) -> str:
        """The name the person consented to publish, in full or as initials; else empty."""
        if self.name_publication == self.NamePublication.FULL and self.full_name:
            return self.full_name
        if self.name_publication == self.NamePublication.INITIALS and self.last_name:
            initials = " ".join(
                f"{part[0]}." for part in (self.first_name, self.patronymic) if part
            )
            return f"{self.last_name} {initials}".strip()
        return ""

    @property
    def public_name(self) -> str:
        """The name the public may see where no participant number applies. Pages of a problem
        or a discussion number their participants within it instead; the account's id is never
        shown, since it would link one person's actions everywhere."""
        return self.published_name or _("Participant")

    @property
    def private_name(self) -> str:
        """What the person and authorized staff see: the full name, or the e-mail address."""
        return self.full_name or self.email


class Consent(models.Model):
    """A consent given (and perhaps withdrawn) to one text version, kept as evidence (152-FZ).

    Processing and publication are separate consents: the law asks for the consent to
    distribution apart from any other, naming the categories of data that may be published.
    """

    class Kind(models.TextChoices):
        PROCESSING = "processing", _("processing of personal data")
        PUBLICATION = "publication", _("publication of personal data")

    user = models.ForeignKey(User, models.CASCADE, related_name="consents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text_version = models.CharField(_("text version"), max_length=32)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.text_version}"
