"""Shared bits of the result reports: machine description and Markdown tables."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def engine_version(repo: Path | None = None) -> str:
    """The commit of `repo` (by default this repository), and whether its engine (``search/``)
    has uncommitted changes."""
    repo = repo or Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        run = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
        return run.stdout.strip() if run.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = " + uncommitted changes in search/" if git("status", "--porcelain", "search") else ""
    return commit + dirty


def machine_header() -> str:
    import os

    now = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"- date: {now}\n- CPU: {cpu_model()} ({os.cpu_count()} cores)\n"
        f"- Python: {platform.python_version()} ({platform.system()} {platform.release()})\n"
        f"- engine: commit {engine_version()} (at the start of the run)\n"
    )


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (also readable as plain text in a terminal)."""

    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = [header, ["---"] * len(header), *[[cell(v) for v in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)
