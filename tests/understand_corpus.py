"""A small hand-made corpus for the understanding tests (corrections, synonyms, translit,
autocomplete): releases in Russian with a few in English, written so that each behaviour
has a document to find and a document not to find."""

from __future__ import annotations

from pathlib import Path

from search.index import reindex

BAIKONUR = "roscosmos/baikonur-start.txt"
BAIKONUR_2 = "roscosmos/baikonur-anniversary.txt"
ISS_SPELLED = "roscosmos/station-crew.txt"
ISS_ABBREV = "roscosmos/mks-experiment.txt"
ISS_LATIN = "nasa/iss-spacewalk.txt"
NASA_EN = "nasa/artemis.txt"
ROGOZIN = "roscosmos/rogozin.txt"
SOYUZ_EN = "nasa/soyuz-baikonur.txt"
FALCON = "nasa/falcon-9.txt"
SATELLITE = "roscosmos/sputnik.txt"
CARRIER = "roscosmos/carrier-rocket.txt"
BAIKONYR = "kazcosmos/baikonyr.txt"
PROTON = "roscosmos/proton.txt"

DOCS: dict[str, str] = {
    BAIKONUR: """С космодрома Байконур стартовала ракета-носитель «Союз-2.1а»

Запуск с космодрома Байконур прошёл штатно. Госкорпорация «Роскосмос» сообщила, что корабль
выведен на орбиту.
""",
    BAIKONUR_2: """Космодром Байконур отмечает годовщину первого запуска

На космодроме Байконур прошли торжества. Роскосмос наградил ветеранов космодрома.
""",
    ISS_SPELLED: """Новый экипаж прибыл на Международную космическую станцию

Экипаж Международной космической станции приступил к работе на орбите.
""",
    ISS_ABBREV: """На МКС начался биологический эксперимент

Космонавты на МКС вырастили салат в оранжерее.
""",
    ISS_LATIN: """ISS crew completes a spacewalk

Two astronauts worked outside the ISS for six hours.
""",
    NASA_EN: """NASA prepares the Artemis mission

NASA engineers tested the Orion capsule before the Artemis flight.
""",
    ROGOZIN: """Рогозин рассказал о планах Роскосмоса

Дмитрий Рогозин заявил, что Роскосмос построит новую ракету.
""",
    SOYUZ_EN: """Soyuz lifts off from Baikonur

A Soyuz rocket lifted off from the Baikonur Cosmodrome in Kazakhstan.
""",
    FALCON: """Falcon 9 launches a communications satellite

SpaceX launched a Falcon 9 rocket with a satellite on board.
""",
    SATELLITE: """Спутник связи выведен на орбиту

Новый спутник связи начал работу. Спутники этой серии служат десять лет.
""",
    CARRIER: """Ракета-носитель «Протон-М» доставлена на стартовый комплекс

Ракету-носитель и космический аппарат готовят к пуску.
""",
    BAIKONYR: """Байконыр: город и космодром

Город Байконыр живёт космодромом.
""",
    PROTON: """Запуск «Протона» перенесён

Пуск ракеты «Протон» перенесли на неделю.
""",
}


def write_corpus(root: Path, docs: dict[str, str] | None = None) -> Path:
    for doc_id, text in (docs or DOCS).items():
        path = root / doc_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def build(root: Path) -> Path:
    """Corpus in root/corpus, index in root/index."""
    write_corpus(root / "corpus")
    reindex(root / "corpus", root / "index", full=True)
    return root / "index"
