"""The scale benchmark's generated archives: deterministic, shaped like real releases."""

from __future__ import annotations

from pathlib import Path

from bench.scale import NAME, TERM, Generator, Material
from search.corpus.agencies import resolve_source
from search.corpus.document import load_document

PARAGRAPHS = [
    "Ракета-носитель «Союз-2.1б» стартовала с космодрома Восточный и вывела на орбиту "
    "спутник, сообщили в пресс-службе Роскосмоса.",
    "Экипаж в составе космонавтов Олега Кононенко и Николая Чуба вернулся на Землю после "
    "длительной экспедиции на Международной космической станции.",
    "На встрече стороны обсудили вопросы реализации проекта по созданию комплекса "
    "«Байтерек» на космодроме Байконур и привлечения инвестиций.",
    "Специалисты завершили испытания двигателя первой ступени, результаты признаны "
    "успешными, сообщил генеральный конструктор Дмитрий Баранов.",
    "Запуск аппарата к Луне перенесён на следующий год из-за задержки поставок "
    "бортовой аппаратуры, заявили в Институте космических исследований.",
    "Министр цифрового развития Казахстана встретился с руководством агентства и "
    "обсудил подготовку национальных специалистов в области дистанционного зондирования.",
    "Телескоп зафиксировал вспышку сверхновой в соседней галактике, данные переданы "
    "астрономам обсерватории Пулково для дальнейшего анализа.",
    "Грузовой корабль «Прогресс» доставил на станцию топливо, воду, продукты питания и "
    "научное оборудование для экспериментов, рассказал Сергей Крикалёв.",
]


def material() -> Material:
    paragraphs = [(n % 9, text) for n, text in enumerate(PARAGRAPHS * 3)]  # 9 sources
    titles = ["На Байконуре прошли переговоры", "Спутник выведен на орбиту"]
    names = sorted({name for _, text in paragraphs for name in NAME.findall(text)})
    return Material(titles, paragraphs, names, [])


def releases(count: int, seed: int = 7) -> list[tuple[str, str]]:
    return [(r.doc_id, r.text) for r in Generator(material(), seed, 0.5).releases(count)]


def test_same_seed_same_archive_and_smaller_archives_are_prefixes() -> None:
    assert releases(30) == releases(30)
    assert releases(30)[:12] == releases(12)
    assert releases(30, seed=8) != releases(30)


def test_releases_read_as_releases_with_a_date_and_their_agency(tmp_path: Path) -> None:
    for doc_id, text in releases(40):
        path = tmp_path / doc_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        doc = load_document(path, doc_id)
        agency, year = doc_id.split("/")[:2]
        assert doc.date is not None and doc.date.startswith(year)
        assert resolve_source(doc.source).key == agency  # type: ignore[union-attr]
        assert 3 <= doc.body.count("\n\n") + 1 <= 9  # 3-8 paragraphs and the dateline
        assert doc.title


def test_coined_names_keep_the_vocabulary_growing_once_paragraphs_repeat() -> None:
    gen = Generator(material(), 7, 0.5)
    texts = [r.text for r in gen.releases(60)]
    real = {w for _, text in material().paragraphs for w in TERM.findall(text.lower())}
    assert gen.wrap_at and gen.coined > 0
    assert len(gen.seen - real) >= gen.coined - 5  # titles aside, the new terms are coined
    assert any(word not in real for word in TERM.findall(texts[-1].lower()))
