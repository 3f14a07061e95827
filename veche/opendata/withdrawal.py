"""What a moderator hides leaves the stored dumps too, not only the next ones.

A day's dump is written once and kept for VECHE_OPEN_DATA_KEEP_DAYS; a problem hidden (say, for a
neighbour's name and phone in its title) or a submission hidden after that day would otherwise
be served from the stored days for a month. Each hiding of a problem or a submission queues an
outbox message ("opendata.withdraw"); its sender rewrites every stored day against what is
public now: the rows of problems no longer public go from `problems` and `answers`, and the text
of a submission now hidden is emptied (`hidden` true), as a new dump would write them. Only the
files that change are written, each into a temporary file renamed into place; the manifest then
holds their new SHA-256 and row counts, and a `withdrawn` list says when and how much. The rest
of a day's dump stays byte for byte."""

import csv
import datetime
import fcntl
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from veche.appeals.queries import public_problems
from veche.core import outbox
from veche.discussions.models import Submission
from veche.moderation import registry as moderation
from veche.opendata import dumps

KIND = "opendata.withdraw"
KINDS_WITHDRAWN = ("problem", "submission")


def on_hidden(key: str, item) -> None:
    """The moderation registry's listener: queue the withdrawal, in the hiding's transaction."""
    if key in KINDS_WITHDRAWN:
        outbox.put(kind=KIND, target_id=item.pk)


def register() -> None:
    moderation.on_hidden(on_hidden)
    outbox.register(KIND, send=lambda message: withdraw_hidden())


# --- What is no longer public ----------------------------------------------------------------

Row = dict[str, str]
# For a dataset: given a row as its CSV holds it, None to drop it, or the row to write.
Rule = Callable[[Row], Row | None]


def _rules() -> dict[str, Rule]:
    public = set(public_problems().values_list("pk", flat=True))
    hidden = {
        (str(discussion), str(number))
        for discussion, number in Submission.objects.filter(hidden_at__isnull=False).values_list(
            "discussion_id", "number"
        )
    }

    def problem(row: Row) -> Row | None:
        return row if int(row["id"]) in public else None

    def answer(row: Row) -> Row | None:
        return row if int(row["problem"]) in public else None

    def submission(row: Row) -> Row | None:
        if (row["discussion"], row["number"]) in hidden and row["text"]:
            return row | {"hidden": "true", "text": ""}
        return row

    return {"problems": problem, "answers": answer, "submissions": submission}


# --- Rewriting a stored day -------------------------------------------------------------------


def _replace(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
        file.write(text)
    os.replace(temporary, path)


def _csv_rewritten(path: Path, rule: Rule) -> tuple[str, int, int, int] | None:
    """The CSV file as the rule leaves it, its rows, rows dropped and rows changed; None when
    nothing changes."""
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        names = next(reader)
        rows = [dict(zip(names, values, strict=True)) for values in reader]
    kept, dropped, changed = [], 0, 0
    for row in rows:
        after = rule(row)
        if after is None:
            dropped += 1
            continue
        changed += after != row
        kept.append(after)
    if not dropped and not changed:
        return None
    with tempfile.SpooledTemporaryFile(mode="w+", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for row in kept:
            writer.writerow([row[name] for name in names])
        out.seek(0)
        return out.read(), len(kept), dropped, changed


def _json_rewritten(path: Path, rule: Rule) -> str:
    """The JSON file of the same dataset, rewritten by the same rule: its head line as it was,
    then one row a line (`dumps._write_json`). A row's values are compared as the CSV writes
    them, so both files drop and change the same rows."""
    content = path.read_text(encoding="utf-8")
    head, body = content.split("\n", 1)
    rows_text = body.removesuffix("\n]}\n")
    lines = rows_text.split(",\n") if rows_text else []
    kept = []
    for line in lines:
        row = json.loads(line)
        as_csv = {name: _as_csv(value) for name, value in row.items()}
        after = rule(as_csv)
        if after is None:
            continue
        if after != as_csv:
            changes = {
                name: _as_json(row[name], after[name])
                for name in row
                if after[name] != as_csv[name]
            }
            line = json.dumps(row | changes, ensure_ascii=False)
        kept.append(line)
    return head + "\n" + ",\n".join(kept) + "\n]}\n"


def _as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_json(before, after: str):
    """A value the rule changed, back in the JSON type of the one it replaces."""
    if isinstance(before, bool):
        return after == "true"
    return after


def _withdraw_day(day: datetime.date, rules: dict[str, Rule], now: datetime.datetime) -> dict:
    """Rewrite one stored day; what was withdrawn from each dataset (nothing: {})."""
    target = dumps.folder(day)
    manifest = json.loads((target / dumps.MANIFEST).read_text())
    done = {}
    for slug, rule in rules.items():
        csv_path, json_path = target / f"{slug}.csv", target / f"{slug}.json"
        if not csv_path.is_file() or not json_path.is_file():
            continue
        rewritten = _csv_rewritten(csv_path, rule)
        if rewritten is None:
            continue
        text, count, dropped, changed = rewritten
        _replace(json_path, _json_rewritten(json_path, rule))
        _replace(csv_path, text)
        manifest["rows"][slug] = count
        for path in (csv_path, json_path):
            manifest["sha256"][path.name] = dumps._sha256(path)
        done[slug] = {"rows_removed": dropped, "texts_emptied": changed}
    if done:
        moment = timezone.localtime(now).replace(microsecond=0).isoformat()
        manifest.setdefault("withdrawn", []).append({"at": moment, "datasets": done})
        _replace(target / dumps.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return done


def withdraw_hidden(now: datetime.datetime | None = None) -> dict[str, dict]:
    """Rewrite every stored day against what is public now; returns what went, by day. One
    run at a time on the folder (a lock file beside the days): two would read and write the
    same files."""
    now = now or timezone.now()
    root = dumps.root()
    if not root.is_dir():
        return {}
    with (root / ".withdrawal.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rules = _rules()
        return {
            day.isoformat(): done
            for day in dumps.stored_days()
            if (done := _withdraw_day(day, rules, now))
        }
