"""How a problem's pages and documents name the people who took part in it.

A person who publishes their name (in full or as initials) is named so; anyone else is
"Participant No. N", where N is counted within the problem: the author is usually No. 1, the
next person to sign, co-edit or comment No. 2, and so on. The same person has unrelated numbers
on different problems, so their signatures cannot be linked across problems by it, and the
account's id is never shown (README, "Personal data").
"""

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from .models import Participant, ParticipantCounter


def number_of(problem_id: int, user_id: int) -> int:
    """The person's number on the problem, given now if they had none: the problem's counter is
    raised (created the first time) and the number stored, committing at once when there is no
    outer transaction, so the counter's row is locked only for that instant (signing calls this
    before its own transaction). On PostgreSQL the lookup, the counter and the number are one
    statement; elsewhere up to three. Two first actions of one person at once may spend a
    number, which leaves a gap, never a second number."""
    if connection.vendor == "postgresql":
        number = _number_in_one_statement(problem_id, user_id)
        return number if number is not None else known_number(problem_id, user_id)
    number = known_number(problem_id, user_id)
    if number is not None:
        return number
    counters, participants = ParticipantCounter._meta.db_table, Participant._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {counters} (problem_id, last) VALUES (%s, 1) "  # noqa: S608 (our names)
            f"ON CONFLICT (problem_id) DO UPDATE SET last = {counters}.last + 1 RETURNING last",
            [problem_id],
        )
        (given,) = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO {participants} (problem_id, user_id, number) "  # noqa: S608
            "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING number",
            [problem_id, user_id, given],
        )
        stored = cursor.fetchone()
    return stored[0] if stored else known_number(problem_id, user_id)


def _number_in_one_statement(problem_id: int, user_id: int) -> int | None:
    """The known number, else a new one; None when another first action of the person stored
    theirs in the meantime (it is then read again)."""
    numbering, values = numbering_parts(problem_id, user_id, after="(SELECT 1) AS always")
    with connection.cursor() as cursor:
        cursor.execute(
            # The parts are ours, their values passed apart.
            f"WITH {numbering} SELECT number FROM known UNION ALL SELECT number FROM numbered",  # noqa: S608
            values,
        )
        row = cursor.fetchone()
    return row[0] if row else None


def numbering_parts(problem_id: int, user_id: int, *, after: str) -> tuple[str, list]:
    """The parts of a WITH (PostgreSQL) that give the person a number on the problem if they
    have none, once the FROM item `after` has a row: `known` is the number they had, `numbered`
    the one given. A statement that does more (a signature, on PostgreSQL) takes them in, so
    that the number costs no round trip of its own. Returns the SQL and its values (`%s`)."""
    counters, participants = ParticipantCounter._meta.db_table, Participant._meta.db_table
    sql = (
        # The table names are ours.
        f"known AS (SELECT number FROM {participants} "  # noqa: S608
        "WHERE problem_id = %s AND user_id = %s), "
        f"raised AS (INSERT INTO {counters} (problem_id, last) "
        f"SELECT %s, 1 FROM {after} WHERE NOT EXISTS (SELECT 1 FROM known) "
        f"ON CONFLICT (problem_id) DO UPDATE SET last = {counters}.last + 1 RETURNING last), "
        f"numbered AS (INSERT INTO {participants} (problem_id, user_id, number) "
        "SELECT %s, %s, last FROM raised ON CONFLICT DO NOTHING RETURNING number)"
    )
    return sql, [problem_id, user_id, problem_id, problem_id, user_id]


def known_number(problem_id: int, user_id: int) -> int | None:
    return (
        Participant.objects.filter(problem_id=problem_id, user_id=user_id)
        .values_list("number", flat=True)
        .first()
    )


def number_here(user_field: str, problem_field: str) -> Subquery:
    """An annotation: the number on the problem named by `problem_field` of the person named by
    `user_field`, for lists that show many people at once (one query, not one per row)."""
    return Subquery(
        Participant.objects.filter(
            problem_id=OuterRef(problem_field), user_id=OuterRef(user_field)
        ).values("number")[:1]
    )


def public_name(user, number: int | None) -> str:
    """The name the public may see: the one the person chose to publish, else their number on
    this problem."""
    chosen = user.published_name
    if chosen:
        return chosen
    if number is None:
        return _("Participant")
    return _("Participant No. %(number)s") % {"number": number}
