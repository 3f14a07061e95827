"""A service's refusal lands where it belongs on the form, whichever shape the refusal has."""

from django import forms
from django.core.exceptions import ValidationError

from veche.core.forms import put_errors


class NameForm(forms.Form):
    name = forms.CharField()


def _form() -> NameForm:
    form = NameForm({"name": "Водоканал"})
    assert form.is_valid()
    return form


def test_a_fields_refusal_is_shown_beside_the_field():
    form = _form()
    put_errors(form, ValidationError({"name": "This name is taken.", "other": "Elsewhere."}))
    assert form.errors["name"] == ["This name is taken."]
    assert form.non_field_errors() == ["Elsewhere."]  # a field the form does not have


def test_a_plain_refusal_is_shown_above_the_form_or_beside_the_default_field():
    form = _form()
    put_errors(form, ValidationError(["Not now.", "Try later."]))
    assert form.non_field_errors() == ["Not now.", "Try later."]
    form = _form()
    put_errors(form, ValidationError("Not now."), default_field="name")
    assert form.errors["name"] == ["Not now."]
