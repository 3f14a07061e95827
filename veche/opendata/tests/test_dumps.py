"""The daily dump: every dataset as CSV and JSON that parse and follow the dictionary, written
once a day, with the day's head of the audit chain, kept for the days configured, served
through its view."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from veche.core.audit import verify_chain
from veche.core.models import AuditEvent, AuditHead
from veche.opendata import dumps
from veche.opendata.datasets import BY_SLUG, DATASETS
from veche.opendata.models import DumpRun

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]


def read_csv(client, day, slug) -> list[dict]:
    response = client.get(f"/open-data/{day.isoformat()}/{slug}.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def read_json(client, day, slug) -> dict:
    response = client.get(f"/open-data/{day.isoformat()}/{slug}.json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def test_every_dataset_has_a_csv_whose_columns_are_its_dictionary(client, city):
    day = dumps.dump_day().day
    for dataset in DATASETS:
        response = client.get(f"/open-data/{day.isoformat()}/{dataset.slug}.csv")
        header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert header == dataset.field_names, dataset.slug


def test_every_dataset_has_a_json_whose_keys_are_its_dictionary(client, city):
    day = dumps.dump_day().day
    for dataset in DATASETS:
        document = read_json(client, day, dataset.slug)
        assert document["fields"] == dataset.field_names
        assert document["licence"]["name"] == "CC BY 4.0"
        assert all(list(row) == dataset.field_names for row in document["rows"]), dataset.slug


def test_csv_and_json_hold_the_same_rows(client, city):
    day = dumps.dump_day().day
    for dataset in DATASETS:
        rows = read_csv(client, day, dataset.slug)
        document = read_json(client, day, dataset.slug)
        assert len(rows) == len(document["rows"]) == dumps.manifest(day)["rows"][dataset.slug]


def test_problems_are_the_public_ones_with_their_appeal(client, city):
    day = dumps.dump_day().day
    rows = {int(row["id"]): row for row in read_csv(client, day, "problems")}
    public = {city.problems[key].pk for key in ("district", "city", "other")}
    assert set(rows) == public
    answered = rows[city.problems["district"].pk]
    assert (answered["category"], answered["territory"]) == ("lighting", "vakhitovsky")
    assert (answered["organization"], answered["appeal_status"]) == ("city-hall", "answered")
    assert (answered["signatures"], answered["answered_on_time"], answered["overdue"]) == (
        "0",
        "true",
        "false",
    )


def test_answers_are_the_public_ones_with_the_rating_of_the_final(client, city):
    day = dumps.dump_day().day
    rows = {row["id"]: row for row in read_json(client, day, "answers")["rows"]}
    assert set(rows) == {city.answers["interim"].pk, city.answers["final"].pk}
    final = rows[city.answers["final"].pk]
    assert (final["kind"], final["ratings"], final["rating_average"]) == ("final", 1, 4.0)
    assert rows[city.answers["interim"].pk]["ratings"] is None


def test_organizations_carry_their_figures(client, city):
    day = dumps.dump_day().day
    [hall] = [
        r
        for r in read_json(client, day, "organizations")["rows"]
        if r["organization"] == "city-hall"
    ]
    assert (hall["answered"], hall["answered_on_time"], hall["ratings"]) == (1, 1, 1)
    assert hall["median_answer_days"] == 18.0
    assert hall["on_time_share"] == 1.0


def test_discussions_are_the_announced_ones_with_their_counts(client, city):
    day = dumps.dump_day().day
    rows = {row["id"]: row for row in read_json(client, day, "discussions")["rows"]}
    assert set(rows) == {city.discussions["running"].pk, city.discussions["other"].pk}
    running = rows[city.discussions["running"].pk]
    assert (running["stage"], running["proposals"], running["questions"]) == ("intake", 2, 0)


def test_a_hidden_submission_keeps_its_place_without_its_text(client, city):
    day = dumps.dump_day().day
    rows = {row["number"]: row for row in read_json(client, day, "submissions")["rows"]}
    shown, hidden = city.submissions[0], city.submissions[1]
    assert (rows[shown.number]["text"], rows[shown.number]["hidden"]) == (shown.text, False)
    assert (rows[hidden.number]["text"], rows[hidden.number]["hidden"]) == ("", True)


def test_the_dump_holds_the_chains_head_of_the_day(client, city):
    day = dumps.dump_day().day
    head = AuditHead.objects.get(day=day)
    last = AuditEvent.objects.filter(sequence__isnull=False).order_by("-sequence").first()
    assert (head.sequence, head.hash) == (last.sequence, last.hash)
    assert dumps.manifest(day)["audit_head"] == {
        "day": day.isoformat(),
        "sequence": head.sequence,
        "hash": head.hash,
    }
    [row] = [
        r for r in read_json(client, day, "audit-heads")["rows"] if r["day"] == day.isoformat()
    ]
    assert (row["sequence"], row["hash"]) == (head.sequence, head.hash)
    assert verify_chain().intact


def test_a_second_run_the_same_day_writes_nothing(city):
    first = dumps.dump_day()
    written = (dumps.folder(first.day) / "problems.csv").read_bytes()
    city.problems["city"].title = "Changed after the dump"
    city.problems["city"].save()
    second = dumps.dump_day()
    assert (first.written, second.written) == (True, False)
    assert (dumps.folder(first.day) / "problems.csv").read_bytes() == written
    assert DumpRun.objects.get().attempts == 1


def test_a_failed_run_is_recorded_and_the_next_one_writes_the_day(city, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.VECHE_OPEN_DATA_DIR = blocker
    failed = dumps.dump_day()
    assert (failed.written, failed.run.state) == (False, DumpRun.State.FAILED)
    assert failed.run.error
    settings.VECHE_OPEN_DATA_DIR = tmp_path / "open-data"
    retried = dumps.dump_day()
    assert (retried.written, retried.run.state, retried.run.attempts) == (True, "done", 2)
    assert retried.run.error == ""


def test_dumps_older_than_the_days_kept_are_removed(city, settings):
    settings.VECHE_OPEN_DATA_KEEP_DAYS = 2
    today = dumps.dump_day().day
    for age in (1, 2, 5):
        old = dumps.folder(today - datetime.timedelta(days=age))
        old.mkdir()
        (old / dumps.MANIFEST).write_text("{}")
    removed = dumps.remove_old(today)
    assert sorted(removed) == [
        today - datetime.timedelta(days=5),
        today - datetime.timedelta(days=2),
    ]
    assert dumps.stored_days() == [today, today - datetime.timedelta(days=1)]


def test_the_command_writes_the_day_once(city, capsys):
    call_command("open_data_dump")
    call_command("open_data_dump")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"dump of {timezone.localdate()} written")
    assert out[1] == f"dump of {timezone.localdate()} already done"


def test_only_the_files_of_a_dump_are_served(client, city):
    day = dumps.dump_day().day.isoformat()
    assert client.get(f"/open-data/{day}/manifest.json").status_code == 200
    assert client.get(f"/open-data/{day}/secret_key").status_code == 404
    assert client.get(f"/open-data/{day}/..%2F..%2Fsecret_key").status_code == 404
    assert client.get("/open-data/2001-01-01/problems.csv").status_code == 404
    assert client.get("/open-data/yesterday/problems.csv").status_code == 404


def test_latest_leads_to_the_newest_days_file(client, city):
    day = dumps.dump_day().day.isoformat()
    response = client.get("/open-data/latest/problems.json")
    assert response.status_code == 302
    assert response["Location"] == f"/open-data/{day}/problems.json"


def test_the_registry_names_every_field_once():
    for dataset in BY_SLUG.values():
        assert len(set(dataset.field_names)) == len(dataset.field_names), dataset.slug


def test_a_title_a_spreadsheet_would_run_stays_text_in_the_csv_only(client, city):
    problem = city.problems["district"]
    problem.title = '=HYPERLINK("http://evil.example","click")'
    problem.save(update_fields=["title"])
    day = dumps.dump_day().day
    [row] = [row for row in read_csv(client, day, "problems") if int(row["id"]) == problem.pk]
    assert row["title"] == "'" + problem.title
    assert row["signatures"] == "0"  # numbers are not text: no apostrophe
    [entry] = [e for e in read_json(client, day, "problems")["rows"] if e["id"] == problem.pk]
    assert entry["title"] == problem.title  # JSON is read by programs, not spreadsheets
