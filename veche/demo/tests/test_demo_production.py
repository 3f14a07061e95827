"""The demo city is never loaded in production."""

import pytest
from django.core.management import CommandError, call_command

from veche.territories.models import Territory


@pytest.mark.django_db
def test_demo_refuses_to_load_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not loaded in production"):
        call_command("demo")
    assert not Territory.objects.exists()
