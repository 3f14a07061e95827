"""`{% url %}` remembers the addresses it built, and builds each one as Django's tag would:
by name and arguments, under the current script prefix, with the same errors."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from veche.core.templatetags import kept_urls


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.fixture(autouse=True)
def forgotten():
    kept_urls._address.cache_clear()
    yield
    set_script_prefix("/")


def test_it_stands_for_django_s_tag_in_every_template():
    node = Template("{% url 'appeals:sign' 7 %}").nodelist[0]
    assert isinstance(node, kept_urls.KeptURLNode)


def test_each_name_and_argument_gives_its_own_address_and_is_built_once():
    source = "{% url 'appeals:sign' pk %} {% url 'appeals:sign' pk=pk %}"
    assert render(source, pk=7) == "/problems/7/sign/ /problems/7/sign/"
    assert render(source, pk=8) == "/problems/8/sign/ /problems/8/sign/"
    assert render("{% url 'appeals:sign' pk %}", pk="9") == reverse("appeals:sign", args=[9])
    built = kept_urls._address.cache_info()
    assert render(source, pk=7) == "/problems/7/sign/ /problems/7/sign/"
    assert kept_urls._address.cache_info().hits == built.hits + 2
    assert kept_urls._address.cache_info().misses == built.misses


def test_another_script_prefix_gets_its_own_addresses():
    assert render("{% url 'accounts:profile' %}") == "/accounts/profile/"
    set_script_prefix("/city/")
    assert render("{% url 'accounts:profile' %}") == "/city/accounts/profile/"
    set_script_prefix("/")
    assert render("{% url 'accounts:profile' %}") == "/accounts/profile/"


def test_errors_and_variables_are_django_s():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")
    with pytest.raises(NoReverseMatch):
        render("{% url 'appeals:sign' 'not-a-number' %}")
    source = "{% url 'no-such-page' as gone %}[{{ gone }}]{% url 'appeals:sign' 3 as a %}{{ a }}"
    assert render(source) == "[]/problems/3/sign/"


def test_text_is_escaped_and_other_arguments_are_reversed_as_django_does():
    class Code:  # not a number or text: reversed every time, by its str()
        def __str__(self):
            return "kazan"

    misses = kept_urls._address.cache_info().misses
    assert render("{% url 'territories:detail' code %}", code=Code()) == "/territories/kazan/"
    assert kept_urls._address.cache_info().misses == misses
    address = "/cabinet/invitations/a&amp;b/"
    assert render("{% url 'cabinet:invitation' 'a&b' %}") == address
    raw = "{% autoescape off %}{% url 'cabinet:invitation' 'a&b' %}{% endautoescape %}"
    assert render(raw) == address.replace("&amp;", "&")
