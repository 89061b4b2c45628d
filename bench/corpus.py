"""Reading the shared test corpora: document files, ids and the title/body split."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = REPO_ROOT.parent / "shared" / "corpora"
DEFAULT_EVAL = REPO_ROOT.parent / "shared" / "eval" / "xquad_ru_dev.jsonl"
XQUAD_FOLDER = "ru_xquad_passages"
SPACE_QUERIES = Path(__file__).resolve().parent / "space_queries.jsonl"
SPACE2_QUERIES = Path(__file__).resolve().parent / "space2_queries.jsonl"
SPACE_TEST_QUERIES = Path(__file__).resolve().parent / "space_test_queries.jsonl"
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def corpus_files(folder: Path) -> list[Path]:
    """Document files of one corpus folder (``_meta.tsv`` and ``SOURCE.md`` are not documents)."""
    return sorted(folder.glob("*.txt"))


def russian_folders(corpora: Path) -> list[Path]:
    """All Russian corpus folders (``ru_*``), the xquad passages included."""
    return sorted(p for p in corpora.iterdir() if p.is_dir() and p.name.startswith("ru_"))


def russian_files(corpora: Path) -> list[Path]:
    return [f for folder in russian_folders(corpora) for f in corpus_files(folder)]


def doc_id(path: Path, root: Path) -> str:
    """Corpus-relative, '/'-separated id: the same scheme as Orbita's."""
    return path.relative_to(root).as_posix()


def read_doc(path: Path) -> tuple[str, str]:
    """(title, body): line 1 is the title, the rest (after the empty line 2) the body."""
    text = path.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return title.strip(), body.strip()
