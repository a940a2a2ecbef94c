"""py-spy profiles of the servers under load, summarised into hot spots (file:line).

`py-spy record --subprocesses` samples the gunicorn master and its workers (or any process) while a
load runs; the raw collapsed stacks are summarised two ways:
- project_lines: for each sample, the deepest frame in our own code (not site-packages/stdlib), with
  its line: "where in our code the time goes", library work beneath it included;
- self: leaf frames (the function actually on CPU).
The raw collapsed stacks stay in artifacts/bench/profiles/ (speedscope and flamegraph.pl read them).
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

from bench.config import ROOT, VENV_BIN, WORK_DIR

PROFILE_DIR = WORK_DIR / "profiles"
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def start(name: str, pid: int, seconds: float, *, subprocesses: bool = True) -> tuple[subprocess.Popen, Path]:
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    raw = PROFILE_DIR / f"{name}.txt"
    # --gil: only the thread running Python code is sampled, so this is where CPU goes; time spent
    # waiting (database round trips, locks) is in the pyinstrument wall-clock trees instead.
    argv = [str(VENV_BIN / "py-spy"), "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200",
            "--format", "raw", "--output", str(raw), "--nonblocking", "--gil"]
    if subprocesses:
        argv.append("--subprocesses")
    log = open(PROFILE_DIR / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT), raw


def finish(process: subprocess.Popen, raw: Path) -> dict:
    process.wait(timeout=120)
    if not raw.exists() or raw.stat().st_size == 0:
        log = (PROFILE_DIR / f"{raw.stem}.log").read_text()[-400:]
        return {"error": f"py-spy produced no samples (exit {process.returncode}): {log.strip()}"}
    summary = summarise(raw)
    summary["raw"] = str(raw.relative_to(ROOT))
    return summary


# py-spy prints module-relative paths ("orders/services.py", "django/db/..."), so our frames are
# recognised by their top-level package.
PROJECT_PACKAGES = tuple(sorted(p.name + "/" for p in ROOT.iterdir()
                                if (p / "__init__.py").exists() and p.name != "bench"))


def _is_project(file: str) -> bool:
    return _short(file).startswith(PROJECT_PACKAGES)


def _short(file: str) -> str:
    return file.replace(str(ROOT) + "/", "")


def summarise(raw: Path) -> dict:
    own: Counter = Counter()
    leaf: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [FRAME.match(f) for f in stack.split(";")]
        frames = [m for m in frames if m]
        if not frames:
            continue
        total += n
        last = frames[-1]
        leaf[f"{last['func']} ({_short(last['file'])}:{last['line']})"] += n
        project = [m for m in frames if _is_project(m["file"])]
        if project:
            m = project[-1]
            own[f"{_short(m['file'])}:{m['line']} {m['func']}"] += n
        else:  # e.g. the asyncio thread of async_to_sync, librdkafka callbacks, gunicorn itself
            own[f"(no project frame: {_short(last['file']).split('/')[0]})"] += n

    def rows(counter: Counter) -> list[dict]:
        return [{"frame": frame, "pct": round(100 * n / total, 1), "samples": n}
                for frame, n in counter.most_common(25)]

    return {"samples": total, "project_lines": rows(own), "self": rows(leaf)}
