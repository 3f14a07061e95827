"""The load: wrk's runs and what they measured."""

import math
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from surge.base import SURGE, WRK_THREADS


@dataclass
class Run:
    """What one wrk process saw."""

    seconds: float
    requests: int
    errors: dict
    latency_us: tuple[int, int, int, int]  # wrk's p50, p95, p99, max over every answer
    statuses: dict = field(default_factory=dict)
    signed: dict = field(default_factory=dict)  # person index -> microseconds to the answer
    refused: int = 0  # answered, not "signed" and not shed
    shed: int = 0  # 503 with Retry-After
    shed_without_retry_after: int = 0
    exhausted: int = 0
    cpu: float = 0.0  # server CPU seconds (app server and PostgreSQL) during the run

    @property
    def cpu_per_signature_ms(self) -> float:
        return 1000 * self.cpu / max(len(self.signed), 1)

    @property
    def rate(self) -> float:
        return (len(self.signed) if self.signed else self.ok) / self.seconds

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    def signed_percentile(self, q: float) -> float:
        return percentile(sorted(self.signed.values()), q) / 1000

    def page_percentile(self, q: float) -> float:
        return {50: self.latency_us[0], 95: self.latency_us[1], 99: self.latency_us[2]}[q] / 1000

    @property
    def socket_errors(self) -> int:
        """Connections refused, broken or timed out (wrk's "status" errors are answers)."""
        return sum(n for kind, n in self.errors.items() if kind != "status")


def percentile(ordered: list, q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1)]


class Wrk:
    def __init__(self, wrk: str, workdir: Path):
        self.wrk = wrk
        self.workdir = workdir
        self.counter = 0

    def start(self, script: str, url: str, *, connections: int, seconds: float, env: dict):
        self.counter += 1
        out = self.workdir / f"wrk-{self.counter}.out"
        command = [
            self.wrk, f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
            "-s", str(SURGE / script), url,
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            env={**os.environ, **env, "SURGE_THREADS": str(WRK_THREADS), "SURGE_OUT": str(out)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return process, out

    def finish(self, started) -> Run:
        process, out = started
        _stdout, stderr = process.communicate()
        if process.returncode or not out.exists():
            sys.exit(f"wrk failed: {stderr.decode(errors='replace')}")
        return parse(out.read_text())

    def run(self, script: str, url: str, **kwargs) -> Run:
        return self.finish(self.start(script, url, **kwargs))


def parse(text: str) -> Run:
    run = None
    for line in text.splitlines():
        kind, *values = line.split()
        if kind == "summary":
            duration, requests, *errors = (int(v) for v in values)
            run = Run(
                seconds=duration / 1e6,
                requests=requests,
                errors=dict(
                    zip(("connect", "read", "write", "status", "timeout"), errors, strict=True)
                ),
                latency_us=(0, 0, 0, 0),
            )
        elif kind == "latency":
            run.latency_us = tuple(int(v) for v in values)
        elif kind == "status":
            run.statuses[int(values[0])] = run.statuses.get(int(values[0]), 0) + int(values[1])
        elif kind == "exhausted":
            run.exhausted += int(values[0])
        elif kind == "answer":
            index, status, signed, retry, elapsed = values
            status = int(status)
            run.statuses[status] = run.statuses.get(status, 0) + 1
            if signed == "1":
                run.signed[int(index)] = int(elapsed)
            elif status == 503:
                run.shed += retry == "1"
                run.shed_without_retry_after += retry != "1"
            else:
                run.refused += 1
    return run
