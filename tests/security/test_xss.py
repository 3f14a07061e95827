"""Cross-site scripting: what residents type (titles, descriptions, comments, names, appeal
revisions, searches) is shown as text or as Markdown cleaned by nh3, never as markup that runs;
and the Content-Security-Policy would stop an inline script that slipped through anyway.

XSS is one of the classes of Decidim's 2023–2026 advisories (issue 15); each case below aims
at a Veche page that shows what someone else typed: comments, titles, names, the revision
diff, the inbox, the search box and the map's data.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import make_problem, make_resident, make_territory
from veche.appeals import services
from veche.appeals.models import Comment, Problem

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(document.cookie)</script>"
BREAKOUT = '"><script>alert(1)</script>'
HOSTILE_MARKDOWN = [
    SCRIPT,
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "<javascript:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](https://example.org/a.png "x\\" onerror=\\"alert(1))',
    "<svg onload=alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '<a href="https://example.org" onmouseover="alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    '[x](https://example.org/"onmouseover="alert(1))',
]
FOREIGN_TAGS = {"svg", "iframe", "object", "embed"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class Markup(HTMLParser):
    """Collects what in a page would run: script elements with our payload, event handler
    attributes, script links, and elements no resident's text may bring."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        # json_script's data is not run; its escaping is checked by the test of the map.
        self._in_script = tag == "script" and ("type", "application/json") not in attrs
        if tag in FOREIGN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            compact = "".join((value or "").split()).lower()
            if name in ("href", "src", "action", "formaction") and compact.startswith(
                DANGEROUS_SCHEMES
            ):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert" in data:
            self.found.append(f"<script>{data}")


@pytest.fixture(autouse=True)
def _english(settings, client):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def runnable(html: str) -> list[str]:
    parser = Markup()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", HOSTILE_MARKDOWN)
def test_a_comment_in_markdown_runs_nothing_on_the_problem_page(client, payload):
    problem = make_problem()
    commenter = make_resident(problem.territory)
    client.force_login(commenter)
    client.post(reverse("appeals:comment", args=[problem.pk]), {"text": f"Согласен. {payload}"})
    assert Comment.objects.filter(problem=problem).count() == 1
    page = client.get(problem.get_absolute_url()).content.decode()
    assert "Согласен." in page
    assert runnable(page) == []


def test_a_hostile_comment_runs_nothing_where_a_moderator_is_asked_about_it(client):
    problem = make_problem()
    author = make_resident(problem.territory)
    comment = services.add_comment(
        author=author, problem=problem, text="\n\n".join(HOSTILE_MARKDOWN)
    )
    client.force_login(make_resident(problem.territory))
    page = client.get(reverse("moderation:report"), {"comment": comment.pk}).content.decode()
    assert runnable(page) == []


def test_a_title_and_description_are_text_on_the_list_the_page_and_the_map(client):
    problem = make_problem(
        title=f"Яма {BREAKOUT} </script><script>alert(2)</script>",
        description=f"Описание {SCRIPT} <img src=x onerror=alert(1)>",
    )
    Problem.objects.filter(pk=problem.pk).update(latitude=55.79, longitude=49.12)
    for url in (reverse("appeals:list"), problem.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Яма" in page, url
        assert runnable(page) == [], url
        assert "</script><script>alert(2)" not in page, url  # json_script escapes < and >


def test_the_search_text_is_shown_back_as_text(client):
    make_problem()
    page = client.get(reverse("appeals:list"), {"q": BREAKOUT}).content.decode()
    assert runnable(page) == []
    assert "&quot;&gt;&lt;script&gt;" in page


def test_a_public_name_is_text_beside_the_comment(client):
    problem = make_problem()
    author = make_resident(
        problem.territory, last_name=f"Иванов{SCRIPT}", first_name="<b onmouseover=alert(1)>"
    )
    author.name_publication = "full"
    author.save()
    services.add_comment(author=author, problem=problem, text="Поддерживаю.")
    page = client.get(problem.get_absolute_url()).content.decode()
    assert "Иванов&lt;script&gt;" in page
    assert runnable(page) == []


def test_a_hostile_revision_is_text_in_the_version_diff(client):
    problem = make_problem()
    appeal = problem.current_appeal
    services.revise_appeal(
        author=problem.author,
        appeal=appeal,
        text=appeal.current_revision.text + f" {SCRIPT} <img src=x onerror=alert(1)>",
        substantive=True,
        note=f"Уточнено {BREAKOUT}",
    )
    page = client.get(reverse("appeals:diff", args=[problem.pk])).content.decode()
    assert "<ins>" in page
    assert runnable(page) == []
    assert "&lt;script&gt;" in page


def test_a_notification_about_a_hostile_title_is_text_in_the_inbox(client):
    from veche.notifications.models import Notification

    person = make_resident(make_territory())
    Notification.objects.create(
        user=person, kind="test", title=f"Ответ {SCRIPT}", body=f"Текст {BREAKOUT}", url="/"
    )
    client.force_login(person)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Ответ &lt;script&gt;" in page
    assert runnable(page) == []


def test_a_page_with_hostile_content_carries_a_policy_that_forbids_inline_scripts(client):
    problem = make_problem(description=SCRIPT)
    response = client.get(problem.get_absolute_url())
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_404_does_not_echo_the_address(client):
    response = client.get("/problems/%3Cscript%3Ealert(1)%3C%2Fscript%3E/")
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.content.decode()
