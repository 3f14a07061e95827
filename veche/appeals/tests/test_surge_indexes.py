"""What a signature writes besides its rows: every index of the tables it touches. The two
largest, the signatures and the audit log, carry no index that nothing reads (a surge writes
each once per signature, and the audit log's twice: the sealer's UPDATE changes `sequence`)."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's own index copies and predicates"
    ),
]


def indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def test_the_audit_log_has_no_pattern_copies_and_no_index_on_the_hash():
    found = indexes("core_auditevent")
    assert not [name for name in found if name.endswith("_like")]
    assert not [d for d in found.values() if "(hash)" in d or "(hash " in d]
    # What is read stays indexed: the chain's order, the time, actions and objects.
    assert any("UNIQUE" in d and "(sequence)" in d for d in found.values())
    assert any("(action)" in d for d in found.values())


def test_a_signatures_list_and_invalidation_are_indexed_only_where_set():
    found = indexes("appeals_signature").values()
    for column in ("supplementary_list_id", "invalidation_id"):
        on_it = [d for d in found if f"({column})" in d]
        assert on_it and all(f"WHERE ({column} IS NOT NULL)" in d for d in on_it), on_it
