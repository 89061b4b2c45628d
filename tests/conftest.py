"""Shared fixtures: a session corpus (the shipped releases plus hand-made edge cases), its index
built once per run, and the Flask app and client on it. Tests that write use tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search.index import reindex
from web import create_app
from web.access import EXTENSION

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CORPUS = REPO_ROOT / "corpus"

SEED_ID = "mdai-kz/baikonur-talks-baiterek.txt"
SEED_TITLE = (
    "На космодроме «Байконур» прошли переговоры казахстанских и российских специалистов"
)

# Hand-made releases: corpus-relative path -> file text.
XSS_HTML_ID = "test-site/telescope-xss.html"
TAGS_TXT_ID = "test-site/tags-in-text.txt"
ROSCOSMOS_2018_ID = "roscosmos/2018-05-14-soyuz-baikonur.txt"
ROSCOSMOS_2021_ID = "roscosmos/2021-04-09-soyuz-ms-18.txt"
NASA_ID = "nasa/artemis-i-launch.txt"
LAUNCH_SERIES = [f"test-site/launch-{n:02d}.txt" for n in range(1, 13)]

EXTRA_DOCS: dict[str, str] = {
    XSS_HTML_ID: """<!doctype html>
<html lang="ru"><head><meta charset="utf-8">
<title>Телескоп «Спектр-Т» передал первые снимки</title>
<script>alert(1)</script></head>
<body>
<h1>Телескоп «Спектр-Т» передал первые снимки</h1>
<p>Орбитальный телескоп передал на Землю первые снимки туманности. <script>alert(1)</script></p>
<p>В журнале наблюдений нашлась строка &lt;img src=x onerror=alert(1)&gt;, её передали в отдел
безопасности.</p>
</body></html>
""",
    TAGS_TXT_ID: """Обсерватория & <b>метеоры</b>: отчёт о наблюдениях

Наблюдатели записали в журнал: <script>alert(1)</script> и <img src=x onerror=alert(1)> — так
выглядел сбой программы обсерватории во время наблюдения метеоров.
""",
    ROSCOSMOS_2018_ID: """---
title: С Байконура стартовала ракета «Союз-ФГ»
date: 2018-05-14
source: roscosmos
---
С космодрома Байконур стартовала ракета-носитель «Союз-ФГ» с транспортным кораблём.

Корабль выведен на расчётную орбиту.
""",
    ROSCOSMOS_2021_ID: """---
title: «Союз МС-18» стартовал с Байконура
date: 2021-04-09
source: roscosmos
---
С космодрома Байконур стартовала ракета-носитель «Союз-2.1а» с кораблём «Союз МС-18».

Экипаж прибудет на Международную космическую станцию через три часа.
""",
    NASA_ID: """---
title: NASA's Artemis I Moon Rocket Launches
date: 2022-11-16
source: nasa
lang: en
---
NASA's Space Launch System rocket lifted off from Kennedy Space Center carrying the Orion
spacecraft on the Artemis I flight test around the Moon.

The uncrewed spacecraft will travel about 1.3 million miles.
""",
}
for _n, _doc_id in enumerate(LAUNCH_SERIES, start=1):
    EXTRA_DOCS[_doc_id] = (
        f"Испытательный пуск ракеты номер {_n}\n\n"
        f"На полигоне проведён испытательный пуск учебной ракеты номер {_n}. "
        "Все системы отработали штатно.\n"
    )


def write_docs(corpus: Path, docs: Mapping[str, str]) -> None:
    """Write documents (corpus-relative path -> text) into a corpus folder."""
    for doc_id, text in docs.items():
        path = corpus / doc_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def copy_corpus(src: Path, dst: Path) -> Path:
    """A writable copy of a corpus folder (the shipped files are read-only)."""
    shutil.copytree(src, dst, copy_function=shutil.copyfile)
    return dst


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped corpus plus the hand-made releases above; read-only for tests."""
    corpus = copy_corpus(SHIPPED_CORPUS, tmp_path_factory.mktemp("session") / "corpus")
    write_docs(corpus, EXTRA_DOCS)
    return corpus


@pytest.fixture(scope="session")
def index_dir(corpus_dir: Path) -> Path:
    """The index of `corpus_dir`, built once per run."""
    index = corpus_dir.parent / "index"
    report = reindex(corpus_dir, index, full=True)
    assert not report.skipped, report.skipped
    return index


@pytest.fixture(scope="session")
def app(corpus_dir: Path, index_dir: Path) -> Flask:
    """The app on the session index (shared: do not change its config)."""
    return create_app({"TESTING": True, "INDEX_DIR": index_dir, "CORPUS_DIR": corpus_dir})


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


@pytest.fixture
def no_index_app(tmp_path: Path) -> Flask:
    """An app whose index folder has never been built."""
    return create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index",
                       "CORPUS_DIR": tmp_path / "corpus"})


@pytest.fixture(scope="module")
def releases_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on the dated, multi-agency releases of tests/releases_corpus.py."""
    from releases_corpus import build_app

    app = build_app(tmp_path_factory)
    yield app
    app.extensions[EXTENSION].close()


@pytest.fixture
def rclient(releases_app: Flask) -> Iterator[FlaskClient]:
    with releases_app.test_client() as c:
        yield c
