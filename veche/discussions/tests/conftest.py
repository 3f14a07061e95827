import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_english():
    # Messages are asserted as written in the code; the site's own language is Russian.
    with translation.override("en"):
        yield
