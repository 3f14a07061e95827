"""The registry of personal data: every app that keeps something about a person registers, in its
`AppConfig.ready()`, how to export it and how to erase it. The account's export and erasure
(`veche.accounts.services`) ask every registered section, so accounts never imports the apps
above it, and a new kind of contribution cannot be forgotten by the person's rights."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Section:
    """One app's share of a person's data.

    `export(user)` returns the keys it adds to the export document (JSON-ready values);
    `erase(user)` removes or anonymises what the app holds, inside the erasure's transaction,
    before the account itself is emptied."""

    name: str
    export: Callable[[object], dict] | None = None
    erase: Callable[[object], None] | None = None


_sections: dict[str, Section] = {}

# An erased account keeps its row under an address that can never receive mail (RFC 2606).
ERASED_DOMAIN = "erased.invalid"


def erased_email(user) -> str:
    return f"erased-{user.pk}@{ERASED_DOMAIN}"


def is_erased(user) -> bool:
    """Whether the account was erased: its row stays, anonymous, for what must remain."""
    return user.email.endswith("@" + ERASED_DOMAIN)


def register(
    name: str,
    *,
    export: Callable[[object], dict] | None = None,
    erase: Callable[[object], None] | None = None,
) -> None:
    """Register (again, harmlessly, when `ready()` runs twice) one section of personal data."""
    section = Section(name, export, erase)
    if _sections.get(name, section) != section:
        raise ImproperlyConfigured(f"Two sections of personal data are called {name!r}.")
    _sections[name] = section


def sections() -> list[Section]:
    """The registered sections, in the order the apps were loaded."""
    return list(_sections.values())
