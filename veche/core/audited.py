"""Rows that operators configure in the admin (routing, identity providers, census lists,
eligibility rules…), saved and deleted with an audit row in the same transaction that names who
changed what, from what to what. The permission is asked again here, not only by the page.

A field named in `hidden` (a provider's client secret) is never written into the log: its change
is recorded as a change, its value as "(hidden)". A row that holds a person's data (a
verification, a declaration of property) names its `recorded` fields, its ids and metadata: no
other field of it reaches the log, which is kept when the person is erased.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from veche.core.audit import record_event

HIDDEN = "(hidden)"


def require(actor, allowed: bool) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_staff and allowed):
        raise PermissionDenied(_("Only operators with this permission may do it."))


def values(
    row: Model, *, hidden: tuple[str, ...] = (), recorded: tuple[str, ...] | None = None
) -> dict:
    """The row's own fields as JSON values (a foreign key as its id), for the audit row: only
    those named in `recorded` (by their names) when it is given."""
    if recorded is not None:
        unknown = set(recorded) - {field.name for field in row._meta.concrete_fields}
        if unknown:  # a misspelt name would quietly record less than meant
            raise ValueError(f"{type(row).__name__} has no fields {sorted(unknown)}")
    found = {}
    for model_field in row._meta.concrete_fields:
        if model_field.primary_key:
            continue
        if recorded is not None and model_field.name not in recorded:
            continue
        value = model_field.value_from_object(row)
        if model_field.name in hidden:
            value = HIDDEN if value else ""
        elif not isinstance(value, str | int | float | bool | dict | list | type(None)):
            value = str(value)
        found[model_field.attname] = value
    return found


def save(
    actor,
    row: Model,
    *,
    noun: str,
    hidden: tuple[str, ...] = (),
    recorded: tuple[str, ...] | None = None,
) -> tuple[Model, dict]:
    """Validate and save the row; record what it was made of, or what changed in it (of the
    `recorded` fields only, when given). Returns the row and the stored values it had before
    ({} for a new row)."""
    with transaction.atomic():
        before, stored = None, None
        if row.pk is not None:
            stored = type(row).objects.select_for_update().filter(pk=row.pk).first()
            before = (
                values(stored, hidden=hidden, recorded=recorded) if stored is not None else None
            )
        row.full_clean()
        row.save()
        after = values(row, hidden=hidden, recorded=recorded)
        if before is None:
            record_event(actor=actor, action=f"{noun}.created", target=row, data=after)
            return row, {}
        changed = {name: [before.get(name), value] for name, value in after.items()}
        changed = {name: pair for name, pair in changed.items() if pair[0] != pair[1]}
        for name in hidden:  # changed, though both sides read "(hidden)"
            if recorded is not None and name not in recorded:
                continue
            if getattr(stored, name) != getattr(row, name):
                changed[name] = [before.get(name), after.get(name)]
        if changed:
            record_event(actor=actor, action=f"{noun}.changed", target=row, data=changed)
    return row, before


def record_many_to_many(actor, row: Model, *, noun: str, before: dict[str, list]) -> None:
    """After the admin saved a row's many-to-many choices: what changed in them since `before`
    (each field's ids, read before the save)."""
    changed = {}
    for name, ids in before.items():
        now = sorted(getattr(row, name).values_list("pk", flat=True))
        if now != ids:
            changed[name] = [ids, now]
    if changed:
        with transaction.atomic():
            record_event(actor=actor, action=f"{noun}.changed", target=row, data=changed)


def delete(
    actor,
    row: Model,
    *,
    noun: str,
    hidden: tuple[str, ...] = (),
    recorded: tuple[str, ...] | None = None,
    **data,
) -> None:
    """Delete the row, recorded with what it was (its `recorded` fields only, when given) and
    `data`, what went with it."""
    with transaction.atomic():
        # Recorded before the row goes, while it still has its id.
        record_event(
            actor=actor,
            action=f"{noun}.deleted",
            target=row,
            data={**values(row, hidden=hidden, recorded=recorded), **data},
        )
        row.delete()


class ShownNotSaved:
    """A model admin whose rows change only through its acts (actions, pages of their own),
    never through the row's form: the page of one row is a view, since saving it would write
    back every column as the page read it, over what a worker or another operator changed
    meanwhile. The acts ask the permission for the table as a whole (no row given)."""

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request)


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes through the services given (permission asked, audit row written), and
    records what changed in the row's many-to-many choices."""

    save_service = None  # save_…(actor=…, <noun>=row)
    delete_service = None
    noun = ""
    recorded_as = ""  # the services' noun in the audit log ("eligibility_rule"): noun unless set

    def save_model(self, request, obj, form, change):
        type(self).save_service(actor=request.user, **{self.noun: obj})

    def delete_model(self, request, obj):
        type(self).delete_service(actor=request.user, **{self.noun: obj})

    def delete_queryset(self, request, queryset):
        for row in queryset:
            self.delete_model(request, row)

    def save_related(self, request, form, formsets, change):
        row = form.instance
        names = [field.name for field in row._meta.many_to_many if field.name in form.fields]
        before = {
            name: sorted(getattr(row, name).values_list("pk", flat=True)) if change else []
            for name in names
        }
        super().save_related(request, form, formsets, change)
        record_many_to_many(request.user, row, noun=self.recorded_as or self.noun, before=before)
