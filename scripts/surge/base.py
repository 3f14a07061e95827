"""Where `make benchmark-surge` (scripts/benchmark_surge.py) finds things, and how it speaks."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SURGE = ROOT / "scripts" / "surge"
BIN = Path(sys.executable).parent
README = ROOT / "README.md"
DATABASE = "veche_surge_bench"
CLUSTER = "veche_bench"
CLUSTER_PORT = 5499
WRK_THREADS = 2
MARK_BEGIN = "<!-- benchmark-surge:begin -->"
MARK_END = "<!-- benchmark-surge:end -->"
LOAD_AT_START = os.getloadavg()[0]


def say(text: str) -> None:
    print(text, flush=True)
