"""The daily dumps of the open datasets: one folder a day under VECHE_OPEN_DATA_DIR, with a
CSV and a JSON file for each dataset and a manifest (rows, SHA-256 of each file, the day's head
of the audit chain). A day's folder is written once, into a temporary folder renamed into
place, and never changed; the run of a day is claimed once in the database, so cron on several
machines, or a retry, writes it at most once. Folders older than VECHE_OPEN_DATA_KEEP_DAYS go."""

import csv
import datetime
import decimal
import hashlib
import json
import logging
import os
import shutil
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation

from veche.core.audit import publish_head
from veche.core.models import AuditHead
from veche.core.spreadsheets import inert
from veche.opendata.datasets import DATASETS, Dataset
from veche.opendata.models import DumpRun

logger = logging.getLogger(__name__)

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
MANIFEST = "manifest.json"
# A run that started this long ago and never finished died with its process: another may
# take the day over.
STALE_AFTER = datetime.timedelta(hours=2)


def root() -> Path:
    return Path(settings.VECHE_OPEN_DATA_DIR)


def folder(day: datetime.date) -> Path:
    return root() / day.isoformat()


def licence() -> dict:
    return {
        "name": settings.VECHE_OPEN_DATA_LICENCE_NAME,
        "url": settings.VECHE_OPEN_DATA_LICENCE_URL,
    }


# --- Values ---------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):  # residents' text; numbers and dates stay as they are
        return inert(value)
    return str(_json_value(value))


# --- Writing --------------------------------------------------------------------------------


def _write_csv(dataset: Dataset, day: datetime.date, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(dataset.field_names)
        for record in dataset.records(day):
            writer.writerow([_csv_value(value) for value in record.values()])
            count += 1
    return count


def _write_json(dataset: Dataset, day: datetime.date, path: Path) -> int:
    """Streamed: the head, then one row a line, so that no dataset is held in memory."""
    head = {
        "dataset": dataset.slug,
        "day": day.isoformat(),
        "licence": licence(),
        "fields": dataset.field_names,
    }
    count = 0
    with path.open("w", encoding="utf-8") as file:
        file.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [\n')
        for record in dataset.records(day):
            if count:
                file.write(",\n")
            file.write(
                json.dumps({k: _json_value(v) for k, v in record.items()}, ensure_ascii=False)
            )
            count += 1
        file.write("\n]}\n")
    return count


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_folder(day: datetime.date, target: Path, head) -> dict[str, int]:
    rows = {}
    files = {}
    # Names of categories, territories and organizations in the site's own language.
    with translation.override(settings.LANGUAGE_CODE):
        for dataset in DATASETS:
            csv_path = target / f"{dataset.slug}.csv"
            json_path = target / f"{dataset.slug}.json"
            rows[dataset.slug] = _write_csv(dataset, day, csv_path)
            _write_json(dataset, day, json_path)
            for path in (csv_path, json_path):
                files[path.name] = _sha256(path)
    manifest = {
        "day": day.isoformat(),
        "generated_at": timezone.localtime().replace(microsecond=0).isoformat(),
        "licence": licence(),
        "audit_head": {"day": head.day.isoformat(), "sequence": head.sequence, "hash": head.hash},
        "rows": rows,
        "sha256": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return rows


# --- The day's run --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    day: datetime.date
    written: bool  # False: the day was there already, or another run holds it
    run: DumpRun | None


def _claim(day: datetime.date) -> DumpRun | None:
    """The day's run, taken by this process; None when it is done or another process runs it."""
    now = timezone.now()
    run, created = DumpRun.objects.get_or_create(
        day=day, defaults={"state": DumpRun.State.RUNNING, "started_at": now, "attempts": 1}
    )
    if created:
        return run
    free = Q(state=DumpRun.State.FAILED) | Q(
        state=DumpRun.State.RUNNING, started_at__lt=now - STALE_AFTER
    )
    taken = DumpRun.objects.filter(Q(pk=run.pk) & free).update(
        state=DumpRun.State.RUNNING, started_at=now, attempts=run.attempts + 1, error=""
    )
    if not taken:
        return None
    run.refresh_from_db()
    return run


def dump_day(day: datetime.date | None = None) -> Outcome:
    """Write the dump of `day` (today by default) unless it exists; idempotent."""
    day = day or timezone.localdate()
    run = _claim(day)
    if run is None:
        return Outcome(day, False, DumpRun.objects.filter(day=day).first())
    try:
        head = publish_head(day=day) if day == timezone.localdate() else _published_head(day)
        target = folder(day)
        if target.exists():  # written before its row was lost: the files stay as they are
            rows = json.loads((target / MANIFEST).read_text())["rows"]
        else:
            root().mkdir(parents=True, exist_ok=True)
            temporary = Path(tempfile.mkdtemp(prefix=f".{day.isoformat()}-", dir=root()))
            try:
                rows = _write_folder(day, temporary, head)
                os.rename(temporary, target)
            finally:
                shutil.rmtree(temporary, ignore_errors=True)
            # Something hidden while the folder was being written found it not yet in place:
            # its withdrawal is done here, now that it is.
            from veche.opendata.withdrawal import withdraw_hidden

            withdraw_hidden()
            rows = json.loads((target / MANIFEST).read_text())["rows"]
    except Exception:
        logger.exception("open data dump of %s failed", day)
        DumpRun.objects.filter(pk=run.pk).update(
            state=DumpRun.State.FAILED,
            finished_at=timezone.now(),
            error=traceback.format_exc()[-4000:],
        )
        run.refresh_from_db()
        return Outcome(day, False, run)
    DumpRun.objects.filter(pk=run.pk).update(
        state=DumpRun.State.DONE,
        finished_at=timezone.now(),
        rows=rows,
        audit_sequence=head.sequence,
        audit_hash=head.hash,
    )
    run.refresh_from_db()
    return Outcome(day, True, run)


def _published_head(day: datetime.date) -> AuditHead:
    return AuditHead.objects.get(day=day)


def remove_old(today: datetime.date | None = None) -> list[datetime.date]:
    """Delete the folders of days older than the days kept; return those days."""
    today = today or timezone.localdate()
    oldest_kept = today - datetime.timedelta(days=settings.VECHE_OPEN_DATA_KEEP_DAYS - 1)
    removed = []
    for day in stored_days():
        if day < oldest_kept:
            shutil.rmtree(folder(day))
            removed.append(day)
    return removed


def stored_days() -> list[datetime.date]:
    """The days whose dump is on disk, newest first."""
    if not root().is_dir():
        return []
    days = []
    for entry in root().iterdir():
        try:
            day = datetime.date.fromisoformat(entry.name)
        except ValueError:
            continue  # a temporary folder, or something else an operator put there
        if entry.is_dir() and (entry / MANIFEST).is_file():
            days.append(day)
    return sorted(days, reverse=True)


def manifest(day: datetime.date) -> dict | None:
    path = folder(day) / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else None


def file_path(day: datetime.date, name: str) -> Path | None:
    """The file of a day's dump, if it exists: a dataset's `slug.csv`/`slug.json` or the
    manifest. Names are looked up, never joined from the request."""
    known = {MANIFEST} | {f"{d.slug}.{fmt}" for d in DATASETS for fmt in FORMATS}
    if name not in known:
        return None
    path = folder(day) / name
    return path if path.is_file() else None
