"""The report: the figures with their ratio to the floor, printed and written into the README."""

import os
import sys
import time

from surge.base import LOAD_AT_START, MARK_BEGIN, MARK_END, README, WRK_THREADS, say
from surge.run import Plan


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}" if floor else "–"


def report(floor: dict, veche: dict, plan: Plan, quick: bool) -> list[tuple]:
    """Rows of the table: (what, Veche, floor, ratio)."""
    sign, sign_count, sign_acks = veche["sign"]
    surge, surge_count, _surge_acks = veche["surge"]
    over, _over_count, over_acks = veche["overload"]
    recovery, _c, _a = veche["recovery"]
    _crash, crash_count, crash_acks = veche["crash"]
    pages = veche["pages"]
    f_sign, f_page = floor["sign"], floor["page"]
    page_rate = pages["anonymous"].rate + pages["signed_in"].rate
    rows = [
        (
            f"signing one appeal, {plan.clients} clients: signatures/s",
            f"{sign.rate:.0f}",
            f"{f_sign.rate:.0f}",
            ratio(sign.rate, f_sign.rate),
        ),
        (
            "signing: server CPU per signature (gunicorn + PostgreSQL), ms",
            f"{sign.cpu_per_signature_ms:.1f}",
            f"{f_sign.cpu_per_signature_ms:.1f}",
            ratio(f_sign.cpu_per_signature_ms, sign.cpu_per_signature_ms),
        ),
        (
            "signing: p50 / p99, ms",
            f"{sign.signed_percentile(50):.0f} / {sign.signed_percentile(99):.0f}",
            f"{f_sign.signed_percentile(50):.0f} / {f_sign.signed_percentile(99):.0f}",
            "",
        ),
        (
            f"the appeal page while {plan.clients} clients sign: pages/s "
            f"({plan.anonymous_readers} anonymous + {plan.signed_in_readers} signed-in readers)",
            f"{page_rate:.0f} ({pages['anonymous'].rate:.0f} + {pages['signed_in'].rate:.0f})",
            f"{f_page.rate:.0f}",
            ratio(page_rate, f_page.rate),
        ),
        (
            "the page: p95 anonymous / signed-in, ms",
            f"{pages['anonymous'].page_percentile(95):.0f} / "
            f"{pages['signed_in'].page_percentile(95):.0f}",
            f"{f_page.page_percentile(95):.0f}",
            "",
        ),
        (
            "signing during the page run: signatures/s",
            f"{surge.rate:.0f}",
            "",
            "",
        ),
        (
            f"overload, {plan.clients * 4} clients: signed/s; 503 with Retry-After; other",
            f"{over.rate:.0f}; {over.shed}; "
            f"{over.refused + over.shed_without_retry_after + over.socket_errors}",
            "",
            "",
        ),
        (
            "overload: p99 of the signed, ms; after it, 5 s at "
            f"{plan.clients} clients: signed/s, 503",
            f"{over.signed_percentile(99):.0f}; {recovery.rate:.0f}, {recovery.shed}",
            "",
            "",
        ),
        (
            "SIGKILL of a worker + PostgreSQL restart: acknowledged / stored once / lost",
            f"{crash_acks['acknowledged']} / {crash_acks['acknowledged_stored_once']} / "
            f"{crash_acks['lost']}",
            "",
            "",
        ),
        (
            "count shown vs stored after the last signature (runs 1, 2, 5)",
            "; ".join(
                f"{c['shown']} = {c['stored']} in {c['after_s']:.2f} s"
                if c["shown"] == c["stored"]
                else f"{c['shown']} ≠ {c['stored']}"
                for c in (sign_count, surge_count, crash_count)
            ),
            "",
            "",
        ),
    ]
    del sign_acks, over_acks
    return rows


def print_report(rows: list[tuple], floor: dict, veche: dict) -> None:
    say("")
    width = max(len(r[0]) for r in rows)
    say(f"{'':{width}}  {'Veche':>22}  {'floor':>8}  ratio")
    for what, value, floor_value, share in rows:
        say(f"{what:{width}}  {value:>22}  {floor_value:>8}  {share}")
    say("")
    for name in ("sign", "surge", "overload", "recovery", "crash"):
        run, count, acks = veche[name]
        say(
            f"{name}: statuses {dict(sorted(run.statuses.items()))}, socket errors "
            f"{run.errors}, acknowledged {acks}, count {count}"
        )
    for name, run in veche["pages"].items():
        say(f"page {name}: statuses {dict(sorted(run.statuses.items()))}, errors {run.errors}")
    say(f"crash: {'; '.join(veche['crash_events'])}")
    say(f"floor sign statuses {floor['sign'].statuses}, floor page {floor['page'].statuses}")


def write_readme(rows: list[tuple], machine: str, plan: Plan, quick: bool) -> None:
    text = README.read_text()
    if MARK_BEGIN not in text or MARK_END not in text:
        say("README has no surge markers: table not written.")
        return
    table = [
        MARK_BEGIN,
        f"Measured by `make benchmark-surge{' ARGS=--quick' if quick else ''}` on "
        f"{time.strftime('%Y-%m-%d')}, {machine}; load average {LOAD_AT_START:.1f} when the run "
        f"began (other work on the machine takes CPU from both); signing runs of "
        f"{plan.sign_seconds} s"
        + (" (a quick run: figures for development, not for comparison)." if quick else "."),
        "",
        "| what | Veche | floor | ratio |",
        "| --- | --- | --- | --- |",
        *(f"| {what} | {value} | {floor} | {share} |" for what, value, floor, share in rows),
        MARK_END,
    ]
    before, rest = text.split(MARK_BEGIN, 1)
    after = rest.split(MARK_END, 1)[1]
    README.write_text(before + "\n".join(table) + after)
    say("README.md: Performance table written.")


def machine_description(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    return (
        f"{os.cpu_count()} CPUs, PostgreSQL {version}, Python {sys.version.split()[0]}, "
        f"gunicorn 4 workers × 4 threads, wrk {WRK_THREADS} threads, all on one machine"
    )
