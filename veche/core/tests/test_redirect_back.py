"""A form's `next` field sends the person back only to a path of this site."""

import pytest
from django.test import RequestFactory

from veche.core.redirects import redirect_back


@pytest.mark.parametrize(
    "target",
    [
        "1",
        "notifications:inbox",
        "\r\nSet-Cookie: x=1",
        "/problems/\r\nSet-Cookie: x=1",
        "/problems/\x00",
        "//evil.example.org/",
        "https://evil.example.org/",
        "javascript:alert(1)",
        "",
    ],
    ids=[
        "a number",
        "a view name",
        "a header",
        "a path with a header",
        "a null byte",
        "another host",
        "an absolute address",
        "a script",
        "nothing",
    ],
)
def test_a_forged_next_goes_to_the_default(target):
    request = RequestFactory().post("/notifications/read/", {"next": target})
    assert redirect_back(request, "/notifications/")["Location"] == "/notifications/"


def test_a_path_of_this_site_is_kept():
    request = RequestFactory().post("/notifications/read/", {"next": "/problems/?page=2"})
    assert redirect_back(request, "/notifications/")["Location"] == "/problems/?page=2"
