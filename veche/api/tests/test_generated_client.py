"""A real client: Python code generated from the live OpenAPI schema (openapi-python-client,
a dev dependency) drives an appeal from the organization's side (fetch the inbox, register,
answer), and the problem's public page then shows the answer."""

import importlib
import io
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.factories import make_resident
from veche.api.tests.conftest import issue
from veche.appeals.models import Appeal
from veche.cabinet.tests.builders import PDF, sent_appeal

pytestmark = pytest.mark.django_db(transaction=True)
PACKAGE = "veche_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def generated(live_server, tmp_path):
    """The client package generated from the schema the running server publishes."""
    schema = httpx.get(f"{live_server.url}/api/v1/schema/?format=json", timeout=60)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    # No post hooks: the generated code is used, not committed, so it need not be formatted.
    (tmp_path / "config.yaml").write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    subprocess.run(  # noqa: S603  (our venv's generator, on our own files)
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--config",
            str(tmp_path / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_a_generated_client_registers_and_answers_an_appeal(
    live_server, generated, office, district
):
    appeal = sent_appeal(office, district, neighbour=make_resident(district))
    api_client, secret = issue(office)
    token = httpx.post(
        f"{live_server.url}/api/v1/oauth/token/",
        data={"grant_type": "client_credentials"},
        auth=(api_client.client_id, secret),
        timeout=60,
    ).json()["access_token"]
    inbox_list = importlib.import_module(f"{PACKAGE}.api.inbox.inbox_list")
    copy_get = importlib.import_module(f"{PACKAGE}.api.inbox.inbox_appeal_get")
    document = importlib.import_module(f"{PACKAGE}.api.inbox.inbox_appeal_document")
    register = importlib.import_module(f"{PACKAGE}.api.inbox.appeal_register")
    answer = importlib.import_module(f"{PACKAGE}.api.inbox.appeal_answer")
    appeal_get = importlib.import_module(f"{PACKAGE}.api.appeals.appeal_get")
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    client = generated.AuthenticatedClient(base_url=live_server.url, token=token, timeout=60)

    inbox = inbox_list.sync(client=client, status=models.InboxListStatus.SENT)
    assert [row.id for row in inbox.results] == [appeal.pk]
    copy = copy_get.sync(id=appeal.pk, client=client)
    assert len(copy.signatories) == 2
    assert {applicant.name for applicant in copy.signatories} == {
        signature.addressee_name for signature in appeal.signatures.all()
    }
    assert document.sync_detailed(id=appeal.pk, client=client).content.startswith(b"%PDF-")

    registered = register.sync(
        id=appeal.pk, client=client, body=models.RegisterRequest(registration_number="ВХ-9/26")
    )
    assert registered.status == models.AppealStatus.REGISTERED
    given = answer.sync(
        id=appeal.pk,
        client=client,
        body=models.AnswerInputRequest(
            kind=models.AnswerInputKindEnum.FINAL,
            text="Яма заделана 5 декабря.",
            attachments=[
                types.File(
                    payload=io.BytesIO(PDF), file_name="act.pdf", mime_type="application/pdf"
                )
            ],
        ),
    )
    assert given.kind == models.AnswerKind.FINAL
    assert [attachment.name for attachment in given.attachments] == ["act.pdf"]

    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.ANSWERED
    public = generated.Client(base_url=live_server.url, timeout=60)
    facts = appeal_get.sync(id=appeal.pk, client=public)
    assert [event.answer.text for event in facts.timeline if event.answer] == [
        "Яма заделана 5 декабря."
    ]
    page = httpx.get(f"{live_server.url}{appeal.problem.get_absolute_url()}", timeout=60)
    assert "Яма заделана 5 декабря." in page.text
    assert "ВХ-9/26" in page.text
