"""A kind of document that only the documents' tests issue, registered as a product app would
register its own: the register and the verification page are tested without the apps above."""

from tests.factories import make_organization
from veche.documents import registry
from veche.documents.services import Issued, issue

SAMPLE = "sample"


def _sample_subject(document, user) -> registry.Subject | None:
    """What a sample documents: shown only to people signed in, as a product app may decide."""
    if not user.is_authenticated:
        return None
    return registry.Subject("The sampled organization", f"/samples/{document.object_id}/")


SAMPLE_KIND = registry.DocumentKind(
    SAMPLE,
    "sample record",
    private_copy="It lists the people sampled, so its content is not published.",
    subject=_sample_subject,
)


def issue_sample(*, title="Sample record No. 1", for_addressee=False, target=None) -> Issued:
    """A registered document of the sample kind: an empty page in the documents' own frame."""
    return issue(
        kind=SAMPLE,
        target=target or make_organization(),
        title=title,
        template_name="documents/document_base.html",
        context={},
        for_addressee=for_addressee,
    )
