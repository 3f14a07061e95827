"""Every description a field points to with aria-describedby exists on the page."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string


class Example(forms.Form):
    plain = forms.CharField()
    helped = forms.CharField(help_text="Как в паспорте.")
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    helped_choice = forms.ChoiceField(
        choices=[("a", "A")], widget=forms.RadioSelect, help_text="Одно из двух."
    )


@pytest.mark.parametrize("data", [None, {}], ids=["blank", "with errors"])
def test_each_described_by_id_is_on_the_page(data):
    form = Example(data)
    form.is_valid()
    html = render_to_string("core/_form_fields.html", {"form": form})
    referenced = {
        name for value in re.findall(r'aria-describedby="([^"]+)"', html) for name in value.split()
    }
    present = set(re.findall(r'id="([^"]+)"', html))
    assert referenced, "the form describes none of its fields"
    assert referenced <= present, f"missing: {referenced - present}"
    if data is not None:
        assert {"id_plain_error", "id_helped_error", "id_choice_error"} <= referenced
