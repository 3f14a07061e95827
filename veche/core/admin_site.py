"""Django's admin, refusing forged ids with a 400 rather than a server error.

Every model admin registered on the site (ours and the libraries') is given the guard below, so
no admin class has to remember it."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.db.models import IntegerField
from django.db.models.base import ModelBase
from django.utils.translation import gettext_lazy as _

from veche.core.forms import JSONField, parse_id


class IdsField(forms.ModelMultipleChoiceField):
    """A many-to-many choice that takes an integer past 64 bits for the unknown id it is
    (SQLite cannot even compare with one)."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None


class IdField(forms.ModelChoiceField):
    """A choice of one row that takes an integer past 64 bits for the unknown id it is."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class GuardedAutocomplete:
    """An autocomplete that renders a forged id it was sent back as no choice, rather than
    asking the database for it (Django's own passes it to the query, a server error)."""

    def optgroups(self, name, value, attr=None):
        if isinstance(self.field.target_field, IntegerField):
            value = [item for item in value if item in ("", None) or parse_id(str(item))]
        return super().optgroups(name, value, attr)


class GuardedAutocompleteSelect(GuardedAutocomplete, AutocompleteSelect):
    pass


class GuardedAutocompleteSelectMultiple(GuardedAutocomplete, AutocompleteSelectMultiple):
    pass


class GuardsChoices:
    """Choices of other rows (autocompletes, many-to-many) answer a forged id with a form error,
    and so does JSON that only a ValueError refuses: for model admins and their inlines alike."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField):
            kwargs.setdefault("form_class", JSONField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdsField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class NamesItsCells:
    """A table of inline rows (a TabularInline) names its columns in their heads and gives the
    fields in its cells no <label>: each field is named for screen readers by its column's name
    (axe: label, select-name). An autocomplete passes it on to its box (veche/admin.js)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class Named(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)  # the "delete" box among them
                for field in form.fields.values():
                    # The widget itself, not the wrapper that adds "+" beside a choice: the
                    # wrapper's copy shares the attributes of the form class's widget.
                    widget = getattr(field.widget, "widget", field.widget)
                    if not widget.is_hidden:
                        widget.attrs.setdefault("aria-label", str(field.label))

        Named.__name__ = formset.__name__
        return Named


def guarded(admin_class: type) -> type:
    bases = (GuardsChoices, admin_class)
    if issubclass(admin_class, admin.TabularInline):
        bases = (NamesItsCells, *bases)
    return type(admin_class.__name__, bases, {"__module__": admin_class.__module__})


class RefusesForgedIds(GuardsChoices):
    """An action's selected rows, and the rows edited in the table (`list_editable`), must be
    ids of the model: a forged one is a bad request."""

    def _refuse_forged(self, values, what: str) -> None:
        primary_key = self.model._meta.pk
        for value in values:
            try:
                key = primary_key.to_python(value)
            except ValidationError:
                raise BadRequest(f"A forged row in {what}.") from None
            if isinstance(key, int) and parse_id(str(key)) is None:
                raise BadRequest(f"A forged row in {what}.")

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST":
            self._refuse_forged(
                request.POST.getlist(helpers.ACTION_CHECKBOX_NAME), "an admin action"
            )
            if self.list_editable:
                # Django looks the edited rows up by these ids before any form sees them.
                prefix = self.get_changelist_formset(request).get_default_prefix()
                edited = self._get_edited_object_pks(request, prefix)
                self._refuse_forged(edited, "an admin table's edit")
        return super().changelist_view(request, extra_context)


class AdminSite(admin.AdminSite):
    # Veche's name over the operators' pages, not Django's.
    site_header = _("Veche: administration")
    site_title = _("Veche administration")

    # Libraries' models that Veche keeps through pages of its own, which their admin would go
    # around: allauth's sign-in apps are made from identity providers (their checks, their audit
    # rows, a secret never shown); its tokens are never stored (SOCIALACCOUNT_STORE_TOKENS).
    kept_elsewhere = {"socialaccount.socialapp", "socialaccount.socialtoken"}

    def register(self, model_or_iterable, admin_class=None, **options):
        if isinstance(model_or_iterable, ModelBase):
            model_or_iterable = [model_or_iterable]
        shown = [
            model
            for model in model_or_iterable
            if model._meta.label_lower not in self.kept_elsewhere
        ]
        if not shown:
            return
        base = admin_class or admin.ModelAdmin
        attributes = {
            "__module__": base.__module__,
            "inlines": [guarded(inline) for inline in base.inlines],
        }
        model_admin = type(base.__name__, (RefusesForgedIds, base), attributes)
        super().register(shown, model_admin, **options)


class AdminConfig(DjangoAdminConfig):
    default_site = "veche.core.admin_site.AdminSite"
