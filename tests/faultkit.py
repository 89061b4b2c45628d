"""Helpers for the fault and hostile-input tests (tests/test_faults.py, tests/test_hostile.py):
generated corpora, the production server in a subprocess, `reindex` in a subprocess with a
fault planted at a chosen moment, and fingerprints of what an index holds.

Everything runs on loopback (127.0.0.1) with a timeout on every call.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = REPO_ROOT / "corpus" / "mdai-kz" / "baikonur-talks-baiterek.txt"
PY = sys.executable
HTTP_TIMEOUT = 15  # seconds, every HTTP call


# --- the production server ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self):
        return json.loads(self.body)


def http_get(port: int, path: str, timeout: float = HTTP_TIMEOUT) -> Reply:
    """GET a path exactly as written (no client-side normalising) from 127.0.0.1:port."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, body)
    finally:
        conn.close()


class Server:
    """`python -m web` (gunicorn with waitress workers) on a free loopback port; stop() or use as
    a context manager."""

    def __init__(self, index_dir: Path, corpus_dir: Path, log: Path, threads: int = 4,
                 workers: int = 2, options: Sequence[str] = ()) -> None:
        self.port = free_port()
        self.log_path = log
        self._log = log.open("w+")
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "FLASK_DEBUG": "1"}  # must not matter
        self.proc = subprocess.Popen(
            [PY, "-m", "web", "--host", "127.0.0.1", "--port", str(self.port),
             "--threads", str(threads), "--workers", str(workers), "--index", str(index_dir),
             "--corpus", str(corpus_dir), *options],
            cwd=REPO_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if http_get(self.port, "/healthz", timeout=2).status in (200, 503):
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server did not start:\n{self.log()}")
            time.sleep(0.1)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def get(self, path: str, timeout: float = HTTP_TIMEOUT) -> Reply:
        return http_get(self.port, path, timeout)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- generated releases: the seed release, reshuffled and inflected -----------------------------

# Words put into every generated release in a case chosen by its number, so that a search
# for one form has to find the others (the index works on lemmas).
INFLECTED = ("космодром", "ракета", "спутник", "станция", "экипаж", "орбита")
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


@lru_cache(maxsize=1)
def seed_paragraphs() -> tuple[str, ...]:
    text = SEED.read_text(encoding="utf-8")
    return tuple(p.strip() for p in text.split("\n\n") if p.strip())


@cache
def inflect(word: str, case: str) -> str:
    from search.analysis import morph

    form = morph().parse(word)[0].inflect({case})
    return form.word if form is not None else word


@lru_cache(maxsize=1)
def seed_words() -> tuple[str, ...]:
    return tuple(sorted(set(re.findall(r"[а-яё]{4,}", SEED.read_text("utf-8").lower()))))


def release_text(n: int, marker: str | None = None, paragraphs: int = 4) -> str:
    """A release made of the seed's paragraphs (picked by `n`), with inflected keywords, a
    sentence of the seed's words in an order of its own (so that no two releases are near
    copies) and, when given, a marker word (in two forms) that tells its batch apart."""
    paras = seed_paragraphs()
    title, body = paras[0], paras[1:]
    picked = [body[(n * 7 + k * 3) % len(body)] for k in range(paragraphs)]
    case = CASES[n % len(CASES)]
    words = ", ".join(inflect(w, case) for w in INFLECTED)
    extra = f"Выпуск номер {n}: {words}."
    if marker:
        extra += f" {inflect(marker, 'nomn').capitalize()} и {inflect(marker, 'ablt')}."
    own = " ".join(random.Random(n).choices(seed_words(), k=60)).capitalize() + "."
    return f"Выпуск {n}. {title}\n\n" + "\n\n".join([extra, own, *picked]) + "\n"


def write_releases(
    root: Path, numbers: Iterable[int], folder: str, marker: str | None = None,
    paragraphs: int = 4,
) -> list[str]:
    """Write generated releases as root/folder/NNNNN.txt; returns their ids."""
    ids = []
    target = root / folder
    target.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        name = f"{n:05d}.txt"
        (target / name).write_text(release_text(n, marker, paragraphs), encoding="utf-8")
        ids.append(f"{folder}/{name}")
    return ids


# --- reindex in a subprocess, with a fault planted -----------------------------------------------

# Run as `python -c FAULTY_REINDEX reindex --corpus ... --index ...`. ORBITA_FAULT names the
# moment, ORBITA_FAULT_AT a count where one applies. The process prints "FAULT <name> ..."
# right before the fault strikes, so a test can tell that the moment was reached.
FAULTY_REINDEX = r"""
import errno, multiprocessing, os, signal, sys, time
from pathlib import Path

import whoosh.filedb.filestore as filestore
import whoosh.multiproc as multiproc
import whoosh.filedb.structfile as structfile
import whoosh.writing as writing

from search.cli import main
from search.index import build, generations as gens

point = os.environ.get("ORBITA_FAULT", "")
at = int(os.environ.get("ORBITA_FAULT_AT", "1"))
calls = {"n": 0}


def say(*words):
    print("FAULT", point, *words, flush=True)


def die(*words):
    say("pids", *[p.pid for p in multiprocessing.active_children()], *words)
    os.kill(os.getpid(), signal.SIGKILL)


def counting(original, action):
    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == at:
            action()
        return original(*args, **kwargs)
    return wrapper


def kill_writers():
    children = multiprocessing.active_children()
    say("writers", *[p.pid for p in children])
    for p in children:
        os.kill(p.pid, signal.SIGKILL)


def gate():
    say("holding the lock")
    deadline = time.monotonic() + 60
    while not Path(os.environ["ORBITA_GATE"]).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def oserror(code):
    def fail(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= at:
            if calls["n"] == at:
                say(errno.errorcode[code])
            raise OSError(code, os.strerror(code))
        return originals[0](*args, **kwargs)
    return fail


originals = []
if point == "read":  # while documents are read and added
    build.load_document = counting(build.load_document, die)
elif point == "kill-writers":  # the writer processes die (SIGKILL, as the OOM killer does)
    build.load_document = counting(build.load_document, kill_writers)
elif point == "gate":  # hold the lock until the test creates $ORBITA_GATE
    build.load_document = counting(build.load_document, gate)
elif point == "commit":  # inside Whoosh's commit: segments written, table of contents not
    writing.SegmentWriter._commit_toc = counting(writing.SegmentWriter._commit_toc, die)
elif point == "check":  # committed, not yet checked nor given a manifest
    build.check_generation = counting(build.check_generation, die)
elif point == "manifest":  # the manifest being written
    gens.write_manifest = counting(gens.write_manifest, die)
elif point == "renamed":  # the new generation complete and renamed, CURRENT not yet switched
    gens.fsync_dir = counting(gens.fsync_dir, die)
elif point == "publish":  # CURRENT.tmp written, about to replace CURRENT
    replace = os.replace
    def guarded(src, dst, *args, **kwargs):
        if Path(dst).name == gens.CURRENT:
            die()
        return replace(src, dst, *args, **kwargs)
    os.replace = guarded
elif point == "cleanup":  # CURRENT switched, old generations not yet removed
    gens.clean_old = counting(gens.clean_old, die)
elif point == "enospc":  # the disk fills up under Whoosh's file writes (writer processes too)
    originals.append(structfile.StructFile.write)
    structfile.StructFile.write = oserror(errno.ENOSPC)
elif point == "enospc-queue":  # the disk fills up as the parent hands work to the writers
    def full_disk():
        say("pids", *[p.pid for p in multiprocessing.active_children()])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    multiproc.MpWriter._enqueue = counting(multiproc.MpWriter._enqueue, full_disk)
elif point == "eacces":  # files can no longer be created in the index folder
    originals.append(filestore.FileStorage.create_file)
    filestore.FileStorage.create_file = oserror(errno.EACCES)
elif point:
    raise SystemExit(f"unknown fault point {point!r}")

slow = float(os.environ.get("ORBITA_SLOW_READ", "0"))  # seconds per document read
if slow:
    load = build.load_document
    def slowly(*args, **kwargs):
        time.sleep(slow)
        return load(*args, **kwargs)
    build.load_document = slowly

sys.exit(main(sys.argv[1:]))
"""


def reindex_cmd(corpus: Path, index: Path, *extra: str, fault: str | None = None) -> list[str]:
    if fault is None:
        return [PY, "-m", "search", "reindex", "--corpus", str(corpus), "--index", str(index),
                *extra]
    return [PY, "-c", FAULTY_REINDEX, "reindex", "--corpus", str(corpus), "--index", str(index),
            *extra]


def fault_env(fault: str | None = None, at: int = 1, **more: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    if fault:
        env.update(ORBITA_FAULT=fault, ORBITA_FAULT_AT=str(at))
    env.update(more)
    return env


def run_reindex(
    corpus: Path, index: Path, *extra: str, fault: str | None = None, at: int = 1,
    timeout: float = 120, **env: str,
) -> subprocess.CompletedProcess:
    """Run `reindex` (with a fault planted, if named) to its end; never longer than timeout."""
    return subprocess.run(
        reindex_cmd(corpus, index, *extra, fault=fault), env=fault_env(fault, at, **env),
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )


def fault_pids(stdout: str) -> list[int]:
    """The process ids a FAULT line listed (writer processes alive at the fault)."""
    for line in stdout.splitlines():
        words = line.split()
        if words[:1] == ["FAULT"] and ("pids" in words or "writers" in words):
            key = "pids" if "pids" in words else "writers"
            return [int(w) for w in words[words.index(key) + 1 :] if w.isdigit()]
    return []


def process_gone(pid: int) -> bool:
    """True when the process has exited (a zombie nobody reaped counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return any(line.split()[1:2] in (["Z"], ["X"]) for line in status.splitlines()
               if line.startswith("State:"))


def wait_gone(pids: Sequence[int], timeout: float) -> list[int]:
    """Wait until the processes have exited; returns those still alive at the deadline."""
    deadline = time.monotonic() + timeout
    alive = [p for p in pids if not process_gone(p)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [p for p in alive if not process_gone(p)]
    return alive


def kill_quietly(proc: subprocess.Popen) -> None:
    """SIGKILL a process this test started (by its own id), and reap it."""
    if proc.poll() is None:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


# --- what an index holds ---------------------------------------------------------------------


def fingerprint(index_dir: Path) -> dict[str, str]:
    """id -> content hash of every document in the live generation, read from the stored fields
    (and checked against the generation's manifest): no duplicates, no ghosts."""
    from search.index import MANIFEST, current_generation, open_index

    with open_index(index_dir).snapshot() as snapshot:
        stored = [(f["id"], f["hash"]) for f in snapshot.reader.all_stored_fields()]
        count = snapshot.doc_count()
    ids = [doc_id for doc_id, _ in stored]
    assert len(ids) == len(set(ids)), "a document is in the index twice"
    assert count == len(stored)
    docs = dict(stored)
    manifest = json.loads((current_generation(index_dir) / MANIFEST).read_text("utf-8"))["docs"]
    assert {doc_id: entry[2] for doc_id, entry in manifest.items()} == docs
    return docs


def clean_build(corpus: Path, where: Path) -> dict[str, str]:
    """The fingerprint of a from-scratch build of `corpus` (in `where`)."""
    from search.index import reindex

    reindex(corpus, where, full=True)
    return fingerprint(where)


def generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.glob("gen-*"))
