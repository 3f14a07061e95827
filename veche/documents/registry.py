"""The kinds of documents Veche issues, which the product apps register in their
`AppConfig.ready()`: documents keeps the register of issued documents and their public
verification page, and the app that issues a kind says what it is called, what its private copy
holds and where its subject is shown, so documents never imports the apps above it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Subject:
    """What a document documents, as a link on its verification page."""

    title: str
    url: str


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document.

    `code` is what the register stores (`IssuedDocument.kind`): once documents are issued under
    it, it never changes. `label` names the kind on the verification page; `private_copy` says
    there why a copy with personal data (`for_addressee`) is not published. `subject(document,
    user)` finds what the document documents, as `Subject`, when this person may see it, and
    None otherwise (or when it is gone).
    """

    code: str
    label: str  # a lazy translation
    private_copy: str = ""  # a lazy translation
    subject: Callable[[object, object], Subject | None] | None = None

    def subject_for(self, document, user) -> Subject | None:
        return self.subject(document, user) if self.subject is not None else None


# The register's column holds the code: a longer one could not be stored.
CODE_MAX_LENGTH = 16

_kinds: dict[str, DocumentKind] = {}


def register(
    code: str,
    *,
    label,
    private_copy="",
    subject: Callable[[object, object], Subject | None] | None = None,
) -> None:
    """Register (again, harmlessly, when `ready()` runs twice) one kind of document."""
    if not code or len(code) > CODE_MAX_LENGTH:
        raise ImproperlyConfigured(
            f"A kind of document is a code of 1 to {CODE_MAX_LENGTH} characters, not {code!r}."
        )
    kind = DocumentKind(code, label, private_copy, subject)
    if _kinds.get(code, kind) != kind:
        raise ImproperlyConfigured(f"Two kinds of documents are registered as {code!r}.")
    _kinds[code] = kind


def kind_of(code: str) -> DocumentKind:
    """The registered kind; LookupError for a code no app registers."""
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"No app registers documents of kind {code!r}.") from None


def described(code: str) -> DocumentKind:
    """The registered kind, or for a stored code that no app registers any longer a bare one
    named by its code: a document issued once stays verifiable."""
    return _kinds.get(code) or DocumentKind(code, code)


def kinds() -> list[DocumentKind]:
    """The registered kinds, in the order the apps registered them."""
    return list(_kinds.values())
