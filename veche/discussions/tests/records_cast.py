"""The cast of the tests of a discussion's documents: people of every group, a reviewed discussion
with their submissions, signing and concluding it, reading its PDF and DOCX."""

import datetime
import io

import docx
from django.db.models import Max
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import (
    make_discussion,
    make_organization,
    make_staff,
    make_territory,
    make_user,
)
from veche.discussions import services
from veche.discussions.models import ExpertAnswer, Submission
from veche.discussions.tests.building import run_builds
from veche.documents.models import IssuedDocument
from veche.organizations.models import Membership

Basis, Kind, Recommendation = Submission.Basis, Submission.Kind, Submission.Recommendation


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return " ".join(" ".join(parts).split())


# --- Data ------------------------------------------------------------------------------------

# (who, basis, kind, birth date, territory of the verification, recommendation)
PEOPLE = {
    "galiev": ("Галиев Ильдар Ринатович", "full", datetime.date(1958, 3, 2)),
    "petrova": ("Петрова Анна Сергеевна", "initials", datetime.date(1990, 7, 15)),
    "sidorov": ("Сидоров Глеб Олегович", "none", datetime.date(2001, 1, 20)),
    "morozova": ("Морозова Вера Павловна", "none", datetime.date(1979, 11, 5)),
}


def person(key: str):
    full_name, publication, _birthdate = PEOPLE[key]
    last, first, patronymic = full_name.split()
    return make_user(
        last_name=last, first_name=first, patronymic=patronymic, name_publication=publication
    )


def add_submission(
    discussion,
    *,
    author=None,
    key: str = "",
    basis: str = Basis.RESIDENT,
    kind: str = Kind.PROPOSAL,
    text: str = "Сохранить деревья вдоль улицы при реконструкции квартала.",
    recommendation: str = Recommendation.ACCEPTED,
    reason: str = "Предложение учтено: проект изменён.",
    territory: str | None = None,
    participant: dict | None = None,
    channel: str = Submission.Channel.SITE,
    legal_entity: dict | None = None,
    on: datetime.date | None = None,
) -> Submission:
    """A registered submission as the services leave it (made directly: each test sets the
    participant's data it needs), with the organizer's recommendation."""
    number = discussion.submissions.count() + 1
    on = on or discussion.intake_start + datetime.timedelta(days=2)
    if participant is None:
        full_name, _publication, birthdate = PEOPLE[key]
        participant = {
            "full_name": full_name,
            "birthdate": birthdate.isoformat(),
            "address": f"420111, г. Казань, ул. Пушкина, д. {number}, кв. {number * 3}",
            "territory": discussion.territory.title if territory is None else territory,
            "verification": "census",
            "verified_at": "2026-01-10T10:00:00+03:00",
        }
    if legal_entity:
        participant |= legal_entity
    return Submission.objects.create(
        participant_number=participant_number_of(discussion, author, participant),
        discussion=discussion,
        number=number,
        registration_number=f"{discussion.pk}-{number:04d}",
        kind=kind,
        text=text,
        author=author,
        as_legal_entity=bool(legal_entity),
        participant=participant,
        basis=basis,
        channel=channel,
        created_at=discussion.starts(on) + datetime.timedelta(hours=12),
        recommendation=recommendation,
        recommendation_reason=reason if recommendation else "",
    )


def participant_number_of(discussion, author, participant: dict) -> int:
    """The participant's number as the services give it: the one the same account, or on paper
    the same legal entity or person, already has in the discussion, else the next one."""
    if author is not None:
        same = {"author": author}
    elif participant.get("ogrn"):
        same = {"author": None, "participant__ogrn": participant["ogrn"]}
    else:
        same = {
            "author": None,
            "participant__full_name": participant.get("full_name"),
            "participant__birthdate": participant.get("birthdate"),
        }
    earlier = (
        discussion.submissions.filter(**same).values_list("participant_number", flat=True).first()
    )
    if earlier:
        return earlier
    last = discussion.submissions.aggregate(last=Max("participant_number"))["last"]
    return (last or 0) + 1


def reviewed_discussion():
    """A discussion in review with seven submissions of five participants: three residents
    (one with two proposals, one registered on paper), a right holder and a legal entity."""
    territory = make_territory(ru="Вахитовский район", en="Vakhitovsky District")
    organizer = make_organization(
        jurisdiction=[territory],
        ru="Комитет градостроительного развития г. Казани",
        en="Committee for Urban Development of Kazan",
    )
    organizer_user = make_staff(
        organizer, Membership.Role.ORGANIZER, last_name="Хабибуллин", first_name="Марат"
    )
    Membership.objects.filter(user=organizer_user).update(position="Chair of the Committee")
    discussion = make_discussion(
        stage="review", territory=territory, organizer=organizer, organizer_user=organizer_user
    )
    galiev, petrova, sidorov = person("galiev"), person("petrova"), person("sidorov")
    add_submission(discussion, author=galiev, key="galiev", text="Сохранить сквер у школы № 5.")
    add_submission(
        discussion,
        author=petrova,
        key="petrova",
        kind=Kind.REMARK,
        text="Ширина тротуара по улице Пушкина недостаточна.",
        recommendation=Recommendation.PARTLY,
        reason="Тротуар расширен до 2,25 м вместо 3 м.",
    )
    question = add_submission(
        discussion,
        author=galiev,
        key="galiev",
        kind=Kind.QUESTION,
        text="Сколько деревьев будет вырублено?",
        reason="Ответ дан экспертом.",
    )
    ExpertAnswer.objects.create(
        submission=question, expert=organizer_user, text="Ни одного: деревья пересаживаются."
    )
    add_submission(
        discussion,
        author=sidorov,
        key="sidorov",
        basis=Basis.OWNER,
        territory="Приволжский район",
        text="Предусмотреть парковку у дома 12 для собственников помещений.",
        recommendation=Recommendation.REJECTED,
        reason="Парковка противоречит режиму охранной зоны.",
    )
    add_submission(
        discussion,
        key="morozova",
        channel=Submission.Channel.WRITING,
        participant={
            "full_name": "Морозова Вера Павловна",
            "birthdate": "05.11.1979",
            "address": "420015, г. Казань, ул. Горького, д. 8, кв. 4",
            "received_on": (discussion.intake_start + datetime.timedelta(days=3)).isoformat(),
        },
        text="Против сноса исторического здания на улице Горького.",
    )
    add_submission(
        discussion,
        author=petrova,
        key="petrova",
        basis=Basis.OTHER,
        legal_entity={
            "legal_name": "ООО «Квартал»",
            "ogrn": "1021602841391",
            "legal_address": "420021, г. Казань, ул. Татарстан, д. 20",
        },
        text="Увеличить этажность жилого дома на участке 16:50:010101:12.",
        recommendation=Recommendation.REJECTED,
        reason="Превышает предельные параметры зоны Ж2.",
    )
    add_submission(
        discussion,
        author=petrova,
        key="petrova",
        text="Устроить велодорожку вдоль набережной.",
        recommendation=Recommendation.ACCEPTED,
        reason="Велодорожка включена в проект.",
    )
    return discussion


def sign(discussion) -> IssuedDocument:
    """Sign the protocol, and build it as the worker does."""
    services.sign_protocol(user=discussion.created_by, discussion=discussion)
    assert run_builds() == ["built"]
    discussion.refresh_from_db()
    return IssuedDocument.objects.get(code=discussion.protocol_code)


def conclude(discussion, text="Проект рекомендуется к утверждению с учётом предложений."):
    services.publish_conclusion(user=discussion.created_by, discussion=discussion, text=text)
    assert run_builds() == ["built"]
    discussion.refresh_from_db()
    return IssuedDocument.objects.get(code=discussion.conclusion_code)


KIND_OF_URL = {
    "protocol_draft_pdf": "draft_protocol",
    "annex_pdf": "annex",
    "protocol_docx": "protocol_docx",
    "conclusion_docx": "conclusion_docx",
}


def prepared(client, discussion, name: str):
    """The organizer asks for a document on its page, the worker builds it, and it downloads."""
    response = client.post(
        reverse("discussions:prepare_record", args=[discussion.pk]), {"kind": KIND_OF_URL[name]}
    )
    assert response.status_code == 302
    assert run_builds() == ["built"]
    return client.get(reverse(f"discussions:{name}", args=[discussion.pk]))
