"""The kinds of content residents may report and moderators hide. A product app registers each of
its models in its `AppConfig.ready()` (appeal comments, discussion submissions), so that
moderation, a shared service below them, imports none of them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models


def _always(item) -> bool:
    return True


@dataclass(frozen=True)
class Prepublication:
    """How a kind's items pass pre-moderation (`moderation.premoderation`). The moderation
    services call `publish` and `refuse` holding the item's lock, inside their transaction,
    after checking the permission and before writing the audit row."""

    awaiting: Callable[[], models.QuerySet]  # items waiting for a moderator, the oldest first
    is_awaiting: Callable[[Any], bool]
    is_refused: Callable[[Any], bool]
    # Publishes the item with every effect of publishing it at once (`moderator` approved it).
    publish: Callable[[Any, Any], None]
    refuse: Callable[[Any], None]


@dataclass(frozen=True)
class ModeratedKind:
    # Names the kind in the report form's address (`/moderation/report/?comment=5`), so a link
    # says what it reports and an address from before the registry still works.
    key: str
    model: type[models.Model]
    label: str  # a lazy translation: "comment"
    text: Callable[[Any], str]
    author: Callable[[Any], Any]  # the account, or None
    public_url: Callable[[Any], str]
    # Whether the public may see the item at all (apart from hiding): what is not public
    # cannot be reported, since the complaint form shows its text.
    is_public: Callable[[Any], bool] = _always
    # What `public_url`, `author` and `is_public` read, fetched with the item.
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()  # what `text` reads of many rows, fetched once per page
    markdown: bool = False  # the text is Markdown, shown rendered and sanitised
    hidden_at_field: str = "hidden_at"
    hidden_reason_field: str = ""  # kept on the item when the model has room for it
    # Called after the item is hidden or shown again, e.g. to drop pages kept in a cache.
    changed: Callable[[Any], None] | None = None
    # Set for kinds that may be held for pre-moderation before they are published.
    prepublication: Prepublication | None = None

    def queryset(self) -> models.QuerySet:
        return self.model._default_manager.select_related(*self.related).prefetch_related(
            *self.prefetch
        )

    def is_hidden(self, item) -> bool:
        return getattr(item, self.hidden_at_field) is not None

    def set_hidden(self, item, *, at, reason: str = "") -> None:
        """Hides the item (`at` a time) or shows it again (`at` None); the caller holds the lock,
        checks the permission and writes the audit row."""
        fields = {self.hidden_at_field: at}
        if self.hidden_reason_field:
            fields[self.hidden_reason_field] = reason if at else ""
        for name, value in fields.items():
            setattr(item, name, value)
        item.save(update_fields=list(fields))
        if self.changed is not None:
            self.changed(item)
        if at is not None:
            for listener in HIDDEN_LISTENERS:
                listener(self.key, item)


_KINDS: dict[str, ModeratedKind] = {}


# Called with (kind key, item) in the transaction that hides an item, by whatever kind: an app
# above moderation that carries content further (the open-data dumps) listens here.
HIDDEN_LISTENERS: list[Callable[[str, Any], None]] = []


def on_hidden(callback: Callable[[str, Any], None]) -> None:
    """`callback(key, item)` is called in the transaction of each hiding; it must only store
    things (an outbox message), never do the work."""
    if callback not in HIDDEN_LISTENERS:
        HIDDEN_LISTENERS.append(callback)


def register(
    *,
    key: str,
    model: type[models.Model],
    label,
    text: Callable[[Any], str],
    author: Callable[[Any], Any],
    public_url: Callable[[Any], str],
    is_public: Callable[[Any], bool] = _always,
    related: tuple[str, ...] = (),
    prefetch: tuple[str, ...] = (),
    markdown: bool = False,
    hidden_at_field: str = "hidden_at",
    hidden_reason_field: str = "",
    changed: Callable[[Any], None] | None = None,
    prepublication: Prepublication | None = None,
) -> ModeratedKind:
    # A field name mistyped here would only fail when a moderator first hides something.
    for name in filter(None, (hidden_at_field, hidden_reason_field)):
        model._meta.get_field(name)
    kind = ModeratedKind(
        key=key,
        model=model,
        label=label,
        text=text,
        author=author,
        public_url=public_url,
        is_public=is_public,
        related=related,
        prefetch=prefetch,
        markdown=markdown,
        hidden_at_field=hidden_at_field,
        hidden_reason_field=hidden_reason_field,
        changed=changed,
        prepublication=prepublication,
    )
    _KINDS[key] = kind
    return kind


def kinds() -> list[ModeratedKind]:
    return list(_KINDS.values())


def kind_of(item_or_model) -> ModeratedKind | None:
    """The registered kind of a model or of one of its items, or None."""
    model = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    model = model._meta.concrete_model
    return next((kind for kind in _KINDS.values() if kind.model is model), None)


def kind_for(content_type: ContentType) -> ModeratedKind | None:
    model = content_type.model_class()
    return kind_of(model) if model is not None else None


def reportable(key: str, pk: int) -> Any | None:
    """The item a person may report: registered, public, and not hidden already; or None."""
    kind = _KINDS.get(key)
    if kind is None:
        return None
    item = kind.queryset().filter(pk=pk).first()
    if item is None or kind.is_hidden(item) or not kind.is_public(item):
        return None
    return item


def awaiting() -> list[tuple[ModeratedKind, Any]]:
    """Every item held for pre-moderation, of every kind, the oldest of each kind first."""
    return [
        (kind, item)
        for kind in _KINDS.values()
        if kind.prepublication is not None
        for item in kind.prepublication.awaiting()
    ]


def target_querysets() -> list[models.QuerySet]:
    """One queryset per kind, for `GenericPrefetch` of complaints' targets: a list of complaints
    reads its targets, and what their links need, in one query per kind."""
    return [kind.queryset() for kind in _KINDS.values()]
