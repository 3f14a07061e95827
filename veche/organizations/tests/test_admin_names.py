"""Names staff edit in the admin are kept on one line in every language."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from veche.organizations.models import Organization
from veche.territories.models import Territory


@pytest.mark.parametrize(
    ("model", "name"),
    [(Organization, "name"), (Organization, "short_name"), (Territory, "name")],
)
def test_a_name_typed_in_the_admin_is_kept_on_one_line(model, name):
    model_admin = admin.site._registry[model]
    field = model_admin.formfield_for_dbfield(
        model._meta.get_field(name), request=RequestFactory().get("/admin/")
    )
    typed = '{"ru": "Администрация\\r\\nBcc: all@example.org", "en": "Town\\u202e hall"}'
    assert field.clean(typed) == {"ru": "Администрация Bcc: all@example.org", "en": "Town hall"}
