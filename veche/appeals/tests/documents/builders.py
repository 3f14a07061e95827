"""Appeals as their documents' tests need them.

Appeals with many signatures are built row by row: signing through the service checks
eligibility and takes a lock per signature, right for its own tests and slow for documents.
"""

import datetime

from django.utils import timezone

from tests.factories import (
    make_appeal,
    make_organization,
    make_signature,
    make_territory,
    make_user,
)
from veche.appeals.models import Appeal

# (surname, first name, patronymic) for men and for women, combined by index.
MEN = (
    ["Иванов", "Сидоров", "Смирнов", "Васильев", "Михайлов", "Фёдоров", "Волков", "Лебедев"],
    ["Борис", "Глеб", "Егор", "Рустам", "Олег", "Павел", "Тимур"],
    ["Андреевич", "Борисович", "Глебович", "Ильдарович", "Евгеньевич"],
)
WOMEN = (
    ["Петрова", "Кузнецова", "Попова", "Соколова", "Новикова", "Морозова", "Алексеева"],
    ["Анна", "Вера", "Дарья", "Гульнара", "Ирина", "Софья", "Лейсан", "Ольга"],
    ["Андреевна", "Викторовна", "Дмитриевна", "Ринатовна", "Сергеевна"],
)
PUBLICATIONS = ["full", "initials", "none"]

APPEAL_TEXT = """Уважаемый Ильдар Рустамович!

Мы, жители домов № 5, 7 и 9 по улице Пушкина, обращаемся к Вам по поводу состояния \
дворовой территории. Весной асфальтовое покрытие во дворе разрушилось: ямы глубиной \
до 20 сантиметров занимают почти весь проезд, машины скорой помощи и мусоровозы \
объезжают их по газону и детской площадке.

В 2025 году мы дважды обращались в управляющую компанию, однако ремонт так и не был \
выполнен.

На основании изложенного просим:
1) провести обследование дворовой территории с участием представителей жителей;
2) выполнить ямочный ремонт проезда до 1 декабря 2026 года;
3) сообщить сроки капитального ремонта покрытия по программе благоустройства."""


def signed_appeal(
    *,
    signatures: int = 3,
    status: str = Appeal.Status.COLLECTING,
    organization=None,
    title: str = "Ямы во дворе домов 5–9 по улице Пушкина",
    text: str = APPEAL_TEXT,
) -> Appeal:
    """An appeal of Kazan residents, signed by its author and `signatures - 1` neighbours with
    full names and addresses, as its documents show them."""
    territory = make_territory(ru="Вахитовский район", en="Vakhitovsky district")
    organization = organization or make_organization(
        ru="Администрация Вахитовского и Приволжского районов г. Казани",
        en="Administration of the Vakhitovsky and Privolzhsky districts of Kazan",
        jurisdiction=[territory],
    )
    author = make_user(
        last_name="Гарипова", first_name="Алсу", patronymic="Ринатовна", name_publication="full"
    )
    started = timezone.now() - datetime.timedelta(days=20)
    sent = status not in (Appeal.Status.DRAFT, Appeal.Status.COLLECTING)
    appeal = make_appeal(
        author=author,
        organization=organization,
        territory=territory,
        status=status,
        title=title,
        description="Ямы появились весной и растут.",
        address="ул. Пушкина, 5–9, двор",
        text=text,
        threshold=100,
        started=started,
        signature_count=signatures,
        sent_at=started + datetime.timedelta(days=10) if sent else None,
    )
    make_signature(
        appeal,
        author,
        created_at=started,
        postal_address="420111, г. Казань, ул. Пушкина, д. 5, кв. 1",
    )
    for number in range(1, signatures):
        last, first_name, patronymic = (
            names[(number * step) % len(names)]
            for names, step in zip(MEN if number % 2 else WOMEN, (1, 3, 7), strict=True)
        )
        person = make_user(
            last_name=last,
            first_name=first_name,
            patronymic=patronymic,
            name_publication=PUBLICATIONS[number % 3],
        )
        make_signature(
            appeal,
            person,
            created_at=started + datetime.timedelta(hours=3 * number),
            postal_address=f"420111, г. Казань, ул. Пушкина, д. {5 + 2 * (number % 3)}, "
            f"кв. {number + 10}",
        )
    return appeal
