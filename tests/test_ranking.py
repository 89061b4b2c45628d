"""Ranking on real Russian text: evidence in order (the word typed above its stand-ins),
derivational families, transliteration by lemma, pseudo-relevance feedback."""

from __future__ import annotations

from pathlib import Path

import pytest
from searching import plain_engine, search

from search.engine import Engine
from search.index import current_generation, open_generation, reindex
from search.query import (
    DEFAULT_PARAMS,
    RankingParams,
    families,
    highlighter_for,
    lemma_lists,
    parse_query,
)
from search.query import compile as compile_module
from search.query import parse as parse_module
from search.query.families import _members, root_key


def build(tmp_path: Path, docs: dict[str, str], **params: float) -> Engine:
    corpus = tmp_path / "corpus"
    for name, text in docs.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    report = reindex(corpus, tmp_path / "index", quiet=True)
    assert not report.skipped
    return Engine(tmp_path / "index", params=DEFAULT_PARAMS.with_values(**params))


def ids(engine: Engine, q: str, **kwargs: object) -> list[str]:
    return [hit.id for hit in search(engine, q, per_page=50, **kwargs).hits]


# --- evidence in order ---------------------------------------------------------------------

COSMONAUTS = {
    # a NASA release: «астронавт» ten times, «космонавт» twice
    "nasa-walk.txt": "Астронавт NASA вышел в открытый космос\n\n"
    "Астронавт NASA Кристофер Кэссиди вышел в открытый космос. Астронавт провёл за бортом "
    "шесть часов. Вместе с астронавтом работал второй астронавт, Роберт Бенкен. Астронавты "
    "заменили аккумуляторы. По словам астронавта, работа шла по плану. Астронавтам помогали "
    "с Земли. Российские космонавты следили за выходом изнутри станции. Это был десятый выход "
    "астронавта. Следующий выход астронавты совершат через неделю, сообщили космонавты.",
    # a Roscosmos release about cosmonauts: «космонавт» fourteen times
    "cosmonaut-training.txt": "Экипаж начал подготовку к полёту\n\n"
    "В Центре подготовки космонавтов начались тренировки нового экипажа. Космонавт Олег "
    "Артемьев и космонавт Денис Матвеев провели занятия в скафандрах. Космонавтам предстоит "
    "полёт на станцию. Инструкторы отметили, что космонавты хорошо подготовлены. Космонавт "
    "Сергей Корсаков впервые летит в космос. Для космонавта это первый полёт. Космонавтов "
    "ждут полгода работы. Космонавты проведут эксперименты. Космонавту Артемьеву предстоит "
    "выход в открытый космос. Космонавты сдали экзамены. Космонавта поздравили коллеги. "
    "Космонавтов проводят на Байконуре. Космонавт вернётся осенью.",
    # a long release naming a cosmonaut once in passing
    "budget.txt": "Бюджет космической отрасли на следующий год\n\n"
    + "Правительство утвердило расходы на космическую отрасль и строительство космодрома. "
    * 12
    + "Часть средств пойдёт на подготовку космонавтов.",
    # astronauts only
    "astronaut-only.txt": "Астронавты вернулись на Землю\n\n"
    "Астронавты экипажа Crew-1 вернулись на Землю. Капсула с астронавтами приводнилась у "
    "побережья Флориды. Астронавтов встретили спасатели. Все астронавты чувствуют себя "
    "хорошо. Астронавт Майкл Хопкинс поблагодарил команду.",
}


def test_the_word_as_typed_ranks_above_its_synonyms(tmp_path):
    engine = build(tmp_path, COSMONAUTS)  # with the shipped synonyms: космонавт = астронавт
    found = ids(engine, "космонавтов", correct=True)
    # the release saying «космонавт» fourteen times comes first, not the NASA one saying it
    # twice beside ten «астронавт» (and an «Астронавт» in its title)
    assert found[:2] == ["cosmonaut-training.txt", "nasa-walk.txt"]
    # the release saying only «астронавт» comes after every release that really holds the word
    assert found.index("astronaut-only.txt") > 1
    engine.close()


def test_a_passing_mention_of_the_word_outranks_its_synonyms_without_a_cap(tmp_path):
    # alternative_cap 0: the strict order, even for a word said once in a long release
    engine = build(tmp_path, COSMONAUTS, alternative_cap=0.0)
    found = ids(engine, "космонавтов", correct=True)
    assert found == ["cosmonaut-training.txt", "nasa-walk.txt", "budget.txt",
                     "astronaut-only.txt"]
    engine.close()


def test_a_synonym_counts_once_beside_the_word_typed(tmp_path):
    # «астронавт» ten times does not add a second score to «космонавт» twice
    engine = build(tmp_path, COSMONAUTS)
    found = ids(engine, "космонавт", correct=True)
    assert found.index("cosmonaut-training.txt") < found.index("nasa-walk.txt")
    engine.close()


def test_the_rest_of_the_query_can_lift_a_synonym_above_the_word(tmp_path):
    docs = {
        **COSMONAUTS,
        "spacesuit.txt": "Новый скафандр для выходов\n\n"
        "Астронавты испытали новый скафандр для выходов в открытый космос. Скафандр легче "
        "прежнего.",
    }
    engine = build(tmp_path, docs)
    found = ids(engine, "скафандр космонавта", correct=True)
    # the release about a spacesuit says «астронавт», not «космонавт», but it holds the other
    # word: it comes before the releases holding «космонавт» alone; the cosmonauts' training
    # holds both words as typed («скафандрах» in passing)
    assert set(found[:2]) == {"spacesuit.txt", "cosmonaut-training.txt"}
    assert found.index("nasa-walk.txt") < found.index("astronaut-only.txt")
    engine.close()


def test_synonyms_above_the_cap_keep_their_order(tmp_path):
    # «космонавт» said once in a long release caps what «астронавт» alone may score; both
    # astronaut releases are above that cap, and the one saying it more comes first (cut at
    # the cap, they tied, and the order was the index's)
    docs = {
        "budget.txt": COSMONAUTS["budget.txt"],
        "a-astronauts-twice.txt": "Новости станции\n\nАстронавт провёл эксперимент. "
        "Второй астронавт помогал ему. Работа на станции продолжается по плану, сообщили "
        "в центре управления полётами.",
        "z-astronauts.txt": COSMONAUTS["astronaut-only.txt"],
    }
    engine = build(tmp_path, docs, alternative_cap=0.0)
    assert ids(engine, "космонавтов", correct=True) == [
        "budget.txt", "z-astronauts.txt", "a-astronauts-twice.txt"]
    engine.close()


def test_equal_scores_newest_first_and_pages_agree(tmp_path):
    # the same release on six dates, and undated (its three words in place of the date's
    # three keep the lengths, and so the scores, equal)
    dates = ["2019-03-20", "2021-01-27", "2018-05-14", "2020-07-30", "2018-11-20", "2019-12-01"]
    docs = {f"roscosmos/{n}.txt": f"{d}\n\nПуск с Байконура\n\nРакета стартовала с Байконура."
            for n, d in enumerate(dates)}
    docs["undated.txt"] = ("Пуск с Байконура\n\nРакета стартовала с Байконура сегодня рано "
                           "утром.")
    engine = build(tmp_path, docs)
    newest_first = [f"roscosmos/{dates.index(d)}.txt" for d in sorted(dates, reverse=True)]
    hits = search(engine, "байконур", per_page=50).hits
    assert len({hit.score for hit in hits}) == 1
    assert [hit.id for hit in hits] == [*newest_first, "undated.txt"]
    pages = [[hit.id for hit in search(engine, "байконур", per_page=2, page=p).hits]
             for p in (1, 2, 3, 4)]
    assert sum(pages, []) == [*newest_first, "undated.txt"]
    engine.close()


def test_a_prefix_ranks_by_the_words_it_finds_not_by_how_many_forms(tmp_path):
    docs = {
        # about Baikonur: the name in its title and twice more, in one form
        "baikonur.txt": "Космодром Байконур готов к пуску\n\nКосмодром Байконур принял "
        "ракету «Союз-2.1а». Байконур готовится к следующему пуску.",
        # a long history naming it in passing, in two forms («Байконура», «Байконуре»)
        "history.txt": "История ракетостроения\n\n"
        + "Конструкторы создавали новые двигатели и системы управления ракет. " * 10
        + "Первые пуски прошли с Байконура; на Байконуре построили музей.",
    }
    engine = build(tmp_path, docs)
    assert ids(engine, "байкон*") == ["baikonur.txt", "history.txt"]
    # only the forms that start with the prefix match: «пуску» is not «пуски*»
    assert ids(engine, "пуски*") == ["history.txt"]
    engine.close()


def test_a_prefix_matches_every_form_beyond_the_lemmas_it_ranks_by(tmp_path, monkeypatch):
    # ranked by the lemma of its most frequent form only: a release holding only a rarer
    # form («пусковой») still matches
    monkeypatch.setattr(compile_module, "MAX_PREFIX_LEMMAS", 1)
    docs = {
        "launch-1.txt": "Пуск ракеты\n\nПуск «Союза» прошёл успешно.",
        "launch-2.txt": "Новый пуск\n\nПуск назначен на весну.",
        "pad.txt": "Стартовый комплекс\n\nПусковой стол отремонтировали к осени.",
    }
    engine = build(tmp_path, docs)
    assert set(ids(engine, "пуск*")) == set(docs)
    engine.close()


def test_the_same_name_in_the_other_script_adds_to_the_name_typed(tmp_path):
    docs = {
        # «Apollo» in its title (the shipped dictionary: Аполлон = Apollo), «Аполлон» once
        "apollo-11.txt": "Apollo 11: полвека спустя\n\n"
        "Полвека назад экипаж «Аполлона-11» высадился на Луну. Миссия Apollo 11 длилась восемь "
        "дней.",
        # «Аполлон» twice, in passing
        "museum.txt": "Музей открыл новый зал\n\n"
        "В новом зале музея выставлены модели ракет. Рядом с макетом корабля «Аполлон» стоит "
        "макет «Союза»; модель «Аполлона» подарили коллекционеры.",
    }
    engine = build(tmp_path, docs)
    assert ids(engine, "Аполлон", correct=True) == ["apollo-11.txt", "museum.txt"]
    engine.close()


def test_a_transliteration_ranks_below_the_script_typed(tmp_path):
    docs = {
        "ru.txt": "Рогозин посетил Байконур\n\nДмитрий Рогозин осмотрел стартовый стол.",
        "en.txt": "Rogozin visits Baikonur\n\nRogozin, Rogozin and Rogozin again: "
        "Dmitry Rogozin inspected the launch pad.",
    }
    engine = build(tmp_path, docs)
    assert ids(engine, "Рогозин", correct=True) == ["ru.txt", "en.txt"]
    assert ids(engine, "Rogozin", correct=True) == ["en.txt", "ru.txt"]
    engine.close()


# --- term weighting -----------------------------------------------------------------------

PLANETS = {
    # about the planets: the word in a long headline and again and again in the body
    "planets-count.txt": "Сколько на самом деле планет в Солнечной системе: астрономы спорят "
    "об этом до сих пор\n\n"
    "Астрономы снова спорят, сколько планет в Солнечной системе. После того как Плутон перестал "
    "считаться планетой, планет осталось восемь. Но в 2016 году учёные объявили, что за орбитой "
    "Нептуна может скрываться Девятая планета. Эта планета, по расчётам, в десять раз тяжелее "
    "Земли. Другие исследователи ищут ещё одну планету, Десятую. Поиски планеты ведут "
    "крупнейшие телескопы. Если планету найдут, её орбита окажется самой дальней. Пока ни одна "
    "из гипотетических планет не попала в объектив, а слухи о планете Нибиру астрономы называют "
    "мифом. Споры о том, что считать планетой, идут с 2006 года, когда Международный "
    "астрономический союз впервые определил, какое тело называть планетой: планета обращается "
    "вокруг Солнца, имеет почти круглую форму и расчищает свою орбиту. Карликовые планеты, как "
    "Плутон и Эрида, последнему условию не отвечают. Сторонники Плутона считают, что планет в "
    "системе больше, и предлагают вернуть ему статус планеты. Противники отвечают, что тогда "
    "планет окажутся десятки. Астрономы из Калифорнии уверены: Девятая планета существует, и её "
    "найдут за ближайшие десять лет, если удастся рассчитать, где планета находится сейчас.",
    # about forests: a two-word headline with the word, a few mentions in the body
    "ecology.txt": "Лёгкие планеты\n\n"
    "Леса и болота поглощают углекислый газ и очищают воздух всей планеты. Экологи "
    "предупреждают, что вырубка лесов в Сибири и на Амазонке ослабляет этот природный фильтр. "
    "По данным исследователей, за последние двадцать лет площадь лесов сократилась на десять "
    "процентов. Восстановление болот в Подмосковье помогло снизить число пожаров. Учёные "
    "считают, что сохранение лесов важнее для климата планеты, чем новые очистные сооружения. "
    "Правительство обещает выделить средства на посадку деревьев и охрану заповедников в "
    "ближайшие годы. Защитники природы напоминают, что ресурсы планеты не безграничны, а "
    "будущее планеты зависит от каждого жителя планеты. Другой планеты у нас нет.",
    "budget.txt": "Правительство утвердило бюджет на следующий год и плановый период до конца "
    "двадцать седьмого года\n\n"
    + "Расходы на образование и здравоохранение вырастут. " * 8,
    "metro.txt": "В Москве откроют ещё четыре станции метро и два вестибюля до конца "
    "следующего года, сообщили в мэрии города\n\n" + "Строители завершают отделку вестибюлей. " * 8,
    "theatre.txt": "Большой театр покажет новую постановку оперы Чайковского «Пиковая дама» на "
    "исторической сцене весной следующего года\n\n" + "Премьера пройдёт в апреле. " * 8,
    "hockey.txt": "Сборная России по хоккею выиграла международный турнир в Москве во второй раз "
    "подряд и получила кубок\n\n"
    + "Хоккеисты победили в финале со счётом три один. " * 8,
}


def test_a_release_about_the_word_outranks_a_short_headline_holding_it(tmp_path):
    # repeated mentions saturate slowly (k1) and a headline is not discounted for its length
    # (title_b): the release about the planets comes first
    engine = build(tmp_path, PLANETS)
    assert ids(engine, "планетами") == ["planets-count.txt", "ecology.txt"]
    engine.close()
    # with Whoosh's constants, the two-word headline and a few mentions won
    whoosh = Engine(tmp_path / "index", params=DEFAULT_PARAMS.with_values(
        k1=1.2, b=0.75, title_b=0.75))
    assert ids(whoosh, "планетами") == ["ecology.txt", "planets-count.txt"]
    whoosh.close()


# --- transliteration by lemma --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("Rogozin", "Соглашение подписано Дмитрием Рогозиным и главой агентства."),
        ("Rogozin", "Делегацию возглавил глава Роскосмоса Дмитрия Рогозина ждали к вечеру."),
        ("Krikalev", "Экипаж встретил Сергея Крикалёва у трапа."),
        ("Baikonur", "Ракета доставлена на космодром Байконуре в срок."),
    ],
)
def test_a_latin_name_finds_any_inflection_of_the_cyrillic_name(tmp_path, typed, text):
    docs = {
        "named.txt": f"Новости отрасли\n\n{text}",
        "other.txt": "Новости отрасли\n\nНа станции провели плановый ремонт.",
    }
    engine = build(tmp_path, docs)
    assert ids(engine, typed, correct=True) == ["named.txt"]
    engine.close()


def test_an_inflected_cyrillic_name_finds_the_latin_spelling(tmp_path):
    docs = {
        "en.txt": "Roscosmos head visits Baikonur\n\nDmitry Rogozin inspected the launch pad.",
        "other.txt": "Новости отрасли\n\nНа станции провели плановый ремонт.",
    }
    engine = build(tmp_path, docs)
    assert ids(engine, "Рогозиным", correct=True) == ["en.txt"]
    engine.close()


# --- derivational families -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("решить", "решать"),  # aspect pair
        ("защитить", "защищать"),  # aspect pair with щ/т
        ("защита", "защищать"),  # noun and verb
        ("защитный", "защита"),
        ("рассмотреть", "рассматривать"),  # secondary imperfective, о/а
        ("съесть", "съедать"),
        ("спросить", "спрашивать"),
        ("исследовать", "исследование"),
        ("запустить", "запуск"),
        ("победа", "побеждать"),
        ("установить", "установление"),
        ("порох", "пороховой"),  # a stressed -овой adjective and its noun
        ("гроза", "грозовой"),
        ("точность", "точный"),  # an adjective and its quality noun
        ("безопасность", "безопасный"),
        ("ответственность", "ответственный"),
        ("загруженность", "загрузить"),  # «загруженный» is filed under its verb
        ("создатель", "создать"),  # agent nouns
        ("исследователь", "исследовать"),
        ("переводчик", "перевод"),
        ("строительство", "строить"),
        ("разработка", "разрабатывать"),  # -ка nouns of action
        ("доставка", "доставить"),
        ("наука", "научный"),  # but the к of наука is the root's
        ("открытие", "открыть"),
    ],
)
def test_words_of_one_family_share_a_root_key(a, b):
    assert root_key(a) is not None
    assert root_key(a) == root_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("ракета", "рация"), ("космонавт", "космос"), ("станция", "стать"), ("время", "вредный")],
)
def test_unrelated_words_do_not_share_a_root_key(a, b):
    assert root_key(a) != root_key(b)


PASSAGES = {
    "eat.txt": "Питание животных\n\nЗа сутки взрослый слон съел около двухсот килограммов "
    "травы и веток.",
    "defence.txt": "Оборона крепости\n\nЗащита крепости держалась три месяца, пока не "
    "подошло подкрепление.",
    "defenders.txt": "Отряд на стене\n\nОтряд защищал стену крепости до подхода подкрепления "
    "и защищал её три месяца.",
    "other.txt": "Рынок зерна\n\nЦены на зерно выросли за месяц на десять процентов.",
}


def test_a_question_finds_the_other_aspect_of_its_verb(tmp_path):
    engine = build(tmp_path, PASSAGES, family_boost=0.4)
    assert ids(engine, "Сколько травы съедает слон?")[0] == "eat.txt"
    assert ids(engine, "съедает")[0] == "eat.txt"  # «съел» only: through its aspect pair
    engine.close()


def test_a_verb_finds_its_noun_ranked_below_the_verb_itself(tmp_path):
    engine = build(tmp_path, PASSAGES, family_boost=0.4)
    assert ids(engine, "защищали") == ["defenders.txt", "defence.txt"]
    off = build(tmp_path / "off", PASSAGES, family_boost=0.0)
    assert ids(off, "защищали") == ["defenders.txt"]
    engine.close()
    off.close()


def test_a_noun_finds_its_stressed_adjective(tmp_path):
    # «пороха» / «пороховой»: -овой is the stressed twin of -овый
    docs = {
        "mill.txt": "Семья Дюпон\n\nЭлетер Дюпон основал пороховой завод на реке Брендивайн.",
        "port.txt": "Порт на реке\n\nНа берегу реки построили новый склад и причал.",
    }
    engine = build(tmp_path, docs)
    assert ids(engine, "Как назывался завод пороха Дюпона?")[0] == "mill.txt"
    assert ids(engine, "пороха") == ["mill.txt"]
    engine.close()


def test_a_quality_noun_finds_its_adjective_and_participle(tmp_path):
    docs = {
        "hub.txt": "Аэропорты региона\n\nСамым загруженным аэропортом региона остаётся "
        "Шереметьево: за год он принял 49 миллионов пассажиров.",
        "landing.txt": "Посадка спускаемого аппарата\n\nСпускаемый аппарат «Союза» "
        "приземлился точно в расчётном районе.",
        "weather.txt": "Погода в регионе\n\nВ регионе ожидаются снег и сильный ветер.",
    }
    engine = build(tmp_path, docs)
    assert ids(engine, "загруженность аэропортов")[0] == "hub.txt"
    assert ids(engine, "загруженность") == ["hub.txt"]
    assert ids(engine, "точность посадки")[0] == "landing.txt"
    assert ids(engine, "точность") == ["landing.txt"]
    engine.close()


def test_an_agent_noun_finds_the_action_below_itself(tmp_path):
    docs = {
        "designers.txt": "Разработчики ракеты получили премию\n\nРазработчики ракеты "
        "«Ангара» из Центра Хруничева получили государственную премию.",
        "design.txt": "Разработка ракеты завершена\n\nРазработка новой ракеты "
        "сверхтяжёлого класса завершена, испытания начнутся через год.",
        "train.txt": "Ракета доставлена на космодром\n\nРакета доставлена на космодром "
        "Восточный по железной дороге.",
    }
    engine = build(tmp_path, docs)
    assert ids(engine, "разработчики ракеты") == ["designers.txt", "design.txt", "train.txt"]
    assert ids(engine, "разработчик") == ["designers.txt", "design.txt"]
    engine.close()


def test_families_stand_aside_for_quoted_and_exact_words(tmp_path):
    engine = build(tmp_path, PASSAGES, family_boost=0.4)
    assert ids(engine, '"защищали"') == ["defenders.txt"]
    assert ids(engine, "=защищал") == ["defenders.txt"]
    engine.close()


# --- set phrases --------------------------------------------------------------------------

CREWS = {
    # about the crew's work, «экипаж» three times
    "crew-work.txt": "Экипаж МКС вернулся на Землю\n\nЭкипаж МКС вернулся на Землю после "
    "полугода на станции. Экипаж выполнил все эксперименты, командир доволен его работой.",
    # names the crew once, «целый» four times: a whole million orbits
    "million-orbits.txt": "Станция совершила целый миллион витков\n\nЭкипаж МКС отметил "
    "целое событие: станция совершила целый миллион витков вокруг Земли, целых двадцать "
    "пять лет на орбите.",
}


def test_a_set_phrase_in_a_question_does_not_pick_its_words(tmp_path, monkeypatch):
    engine = build(tmp_path, CREWS)
    question = "Как оценили работу экипажа МКС в целом?"
    assert ids(engine, question)[0] == "crew-work.txt"
    # read word by word, «в целом» would find the whole million orbits first
    monkeypatch.setattr(parse_module, "FUNCTION_PHRASES", frozenset())
    assert ids(engine, question)[0] == "million-orbits.txt"
    engine.close()


# --- a typed word's readings ----------------------------------------------------------------

READINGS = {
    "cosmonautics-day.txt": "День космонавтики\n\n12 апреля отмечают День космонавтики: в "
    "этот день в 1961 году Юрий Гагарин облетел Землю. Ко дню праздника готовят выставки.",
    "foreign-ministry.txt": "Министерство иностранных дел о запусках\n\nВ Министерстве "
    "иностранных дел заявили, что дела с партнёрами идут хорошо; дело о поставках закрыто.",
    "steel-hull.txt": "Корпус из стали\n\nКорпус модуля сварен из нержавеющей стали, "
    "а крышка люка — из титана.",
    "new-crew.txt": "Космонавты стали экипажем\n\nТри космонавта стали основным экипажем "
    "нового корабля.",
}


def test_a_word_is_not_searched_by_its_unlikely_readings(tmp_path):
    engine = build(tmp_path, READINGS)
    # «день» is read as the verb «деть» once in 170 times: its «дела», «дел» are not found
    assert ids(engine, "день") == ["cosmonautics-day.txt"]
    assert ids(engine, "дня") == ["cosmonautics-day.txt"]
    assert ids(engine, "дела") == ["foreign-ministry.txt"]
    # a reading one time in forty stays: «стали» finds the steel and the verb
    assert set(ids(engine, "стали")) == {"steel-hull.txt", "new-crew.txt"}
    engine.close()
    # with every reading, «день» finds the ministry's «дела» too
    every = build(tmp_path / "every", READINGS, reading_share=0.0)
    assert set(ids(every, "день")) == {"cosmonautics-day.txt", "foreign-ministry.txt"}
    every.close()


def test_unlikely_readings_are_not_marked():
    text = "Куда он денет ключи в этот день? Денешь их — не найдёшь."
    share = DEFAULT_PARAMS.reading_share
    assert highlighter_for(parse_query("день"), share).mark(text) == (
        "Куда он денет ключи в этот <mark>день</mark>? Денешь их — не найдёшь.")
    # with every reading, the verb «деть» marks «денет» and «Денешь»
    assert highlighter_for(parse_query("день"), 0.0).mark(text) == (
        "Куда он <mark>денет</mark> ключи в этот <mark>день</mark>? <mark>Денешь</mark> их — "
        "не найдёшь.")


def test_ranking_params_are_checked():
    with pytest.raises(ValueError, match="unknown"):
        RankingParams().with_values(no_such_constant=1)
    assert RankingParams().with_values(proximity_slop=3.0).proximity_slop == 3


def test_plain_engine_ranks_with_the_default_params(tmp_path):
    build(tmp_path, PASSAGES)
    engine = plain_engine(tmp_path / "index")
    assert engine.params == DEFAULT_PARAMS
    engine.close()


def test_families_from_the_lemma_list_are_the_families_from_the_term_tables(index_dir,
                                                                           monkeypatch):
    """A server looks families up in its generation's sorted lemma list; before the list is
    at hand, the segments' term tables give the very same members, within the same bound."""
    gen = current_generation(index_dir).resolve()
    with open_generation(gen) as snapshot:
        keys = sorted({key for term in snapshot.lexicon("body") if (key := root_key(term))})
        lemma_lists.get(gen, exact=True)
        assert lemma_lists.ready(gen) is not None

        def members(from_list: bool, scan: int) -> dict[str, list[str]]:
            with monkeypatch.context() as m:
                m.setattr(families, "MAX_FAMILY_SCAN", scan)
                if not from_list:
                    m.setattr(lemma_lists, "ready", lambda gen: None)  # not at hand
                return {key: _members(snapshot, key) for key in keys}

        listed = members(True, families.MAX_FAMILY_SCAN)
        assert listed == members(False, families.MAX_FAMILY_SCAN)
        # only the first two lemmas after a prefix: fewer members, the same either way
        assert members(True, 2) == members(False, 2) != listed
    assert listed[root_key("встречать")] == ["встретиться", "встреча"]  # aspect and noun
    assert listed[root_key("ракетный")] == ["ракета", "ракетный"]
    assert sum(len(members) > 1 for members in listed.values()) > 10


# --- phrases ---------------------------------------------------------------------------------

PHRASES = {
    "vostochny.txt": "Пуск с Восточного\n\nРакета-носитель «Союз-2.1б» стартовала с космодрома "
                     "Восточный и вывела на орбиту спутник «Метеор-М».",
    "reversed.txt": "Испытания\n\nНоситель ракета: так в отчёте назван блок; космодром "
                    "Восточный готов.",
    "apart.txt": "Подготовка\n\nРакета и её носитель прибыли на Байконур.",
    "second-pair.txt": "Носитель\n\nНоситель отделился. Позже ракеты-носители «Протон-М» "
                       "доставили на Байконур.",
    "starts-with.txt": "Отчёт\n\nНосители ракеты проверены; ракета стоит на стартовом столе.",
}


@pytest.mark.parametrize("phrase, expected", [
    ('"ракета носитель"', {"vostochny.txt", "second-pair.txt"}),
    ('"носитель ракета"', {"reversed.txt", "starts-with.txt"}),
    ('"космодрома Восточный"', {"vostochny.txt", "reversed.txt"}),
    ('"вывела на орбиту спутник"', {"vostochny.txt"}),
    ('"ракета её носитель"', set()),
])
def test_a_phrase_finds_the_releases_where_its_words_follow_each_other(tmp_path, phrase,
                                                                       expected):
    """In any inflection and across hyphens, in order and side by side: a word of the phrase
    at the start of a text has no word before it."""
    engine = build(tmp_path, PHRASES)
    assert set(ids(engine, phrase)) == expected
