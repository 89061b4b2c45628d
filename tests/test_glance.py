"""The archive at a glance: the front page's counts against the index, the overview kept once
per generation, and the timeline above the results (its counts, its links, its SVG)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import write_docs
from releases_corpus import BAIKONUR_2018, BAIKONUR_2018_HTML, BAIKONUR_2018_REPOST, DOCS

from search.engine import Engine
from search.index import reindex
from web import create_app
from web.i18n import catalogue
from web.timeline import MAX_MONTHS, timeline

SVG = "{http://www.w3.org/2000/svg}"


def soup_of(client, url: str) -> BeautifulSoup:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return BeautifulSoup(r.get_data(as_text=True), "html.parser")


def total_of(client, url: str) -> int:
    """The total of the search a link leads to, asked of the API with the same parameters."""
    parts = urlsplit(url)
    return client.get("/api/search?" + parts.query).get_json()["total"]


def index_facts(releases_app) -> dict:
    """What the index itself holds, read document by document."""
    engine: Engine = releases_app.extensions["orbita.engine"]
    with engine.snapshot() as snap:
        stored = list(snap.reader.all_stored_fields())
    dates = sorted(s["date"] for s in stored if s.get("date"))
    return {
        "total": len(stored),
        "sources": Counter(s.get("source") or None for s in stored),
        "langs": Counter(s.get("lang") for s in stored),
        "first": dates[0], "last": dates[-1],
        "undated": sum(1 for s in stored if not s.get("date")),
        "months": Counter(s["date"][:7] for s in stored if s.get("date")),
    }


# --- the front page ---------------------------------------------------------------------------


def test_the_front_page_counts_what_the_index_holds(rclient, releases_app) -> None:
    facts = index_facts(releases_app)
    assert facts["total"] == len(DOCS)
    data = rclient.get("/api/overview").get_json()
    assert data["total"] == facts["total"]
    assert {f["value"]: f["count"] for f in data["facets"]["source"]} == facts["sources"]
    assert {f["value"]: f["count"] for f in data["facets"]["lang"]} == facts["langs"]
    assert (data["first_date"], data["last_date"]) == (facts["first"], facts["last"])
    assert data["undated"] == facts["undated"] == 1

    soup = soup_of(rclient, "/")
    overview = soup.select_one("section.overview")
    assert "В архиве 13 релизов." in overview.select_one(".archive-total").text
    assert "май 2018 — 27 января 2021" in overview.select_one(".archive-total").text
    agencies = overview.select("section.by-agency li")
    assert len(agencies) == len(facts["sources"])
    for li in agencies:
        link = li.select_one("a")
        count = int(li.select_one(".count").text)
        if link is None:  # releases without an agency: no filter lists them
            assert count == facts["sources"][None]
            continue
        key = parse_qs(urlsplit(link["href"]).query)["source"][0]
        assert count == facts["sources"][key] == total_of(rclient, link["href"])
    for link in overview.select("section.by-language a"):
        code = parse_qs(urlsplit(link["href"]).query)["lang"][0]
        count = int(link.select_one(".count").text)
        assert count == facts["langs"][code] == total_of(rclient, link["href"])


def test_the_front_page_lists_the_ten_newest_releases_with_agency_and_date(rclient) -> None:
    soup = soup_of(rclient, "/?ui=en")
    items = soup.select("section.newest li")
    assert len(items) == 10
    dates = [li.select_one("time")["datetime"] for li in items]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == "2021-01-27"
    assert items[0].select_one("time").text == "27 January 2021"
    ids = [urlsplit(li.select_one("a")["href"]).path.removeprefix("/doc/") for li in items]
    # one release and its copies are listed once
    assert len({BAIKONUR_2018, BAIKONUR_2018_HTML, BAIKONUR_2018_REPOST} & set(ids)) == 1
    agency = items[0].select_one(".meta a")
    assert agency.text == "Roscosmos" and "source=roscosmos" in agency["href"]


def test_the_front_page_says_when_the_archive_was_updated(rclient, releases_app) -> None:
    engine: Engine = releases_app.extensions["orbita.engine"]
    expected = catalogue("kk").timestamp(engine.generation_time())
    text = soup_of(rclient, "/?ui=kk").select_one(".archive-total .updated").text
    assert text == f"Соңғы жаңарту: {expected}"
    assert rclient.get("/api/overview").get_json()["updated"].endswith("Z")


def test_the_overview_is_counted_once_per_generation(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_docs(corpus, {k: v for k, v in DOCS.items() if k != BAIKONUR_2018_REPOST})
    reindex(corpus, tmp_path / "index", full=True)
    engine = Engine(tmp_path / "index")
    first = engine.overview()
    assert engine.overview() is first  # kept on the snapshot
    write_docs(corpus, {"nasa/2024-05-01-new.txt": "---\ndate: 2024-05-01\nlang: en\n---\n"
                        "Artemis crew named\n\nNASA named the crew of Artemis.\n"})
    reindex(corpus, tmp_path / "index")
    second = engine.overview()
    assert second is not first
    assert second.total == first.total + 1 and second.last_date == "2024-05-01"
    assert second.newest[0].id == "nasa/2024-05-01-new.txt"
    engine.close()


def test_the_front_page_chart_covers_the_archive(rclient, releases_app) -> None:
    facts = index_facts(releases_app)
    figure = soup_of(rclient, "/").select_one("section.overview figure.timeline")
    bars = figure.select("svg a.bar")
    assert {b["data-period"]: int(b["data-count"]) for b in bars} == facts["months"]
    assert sum(int(b["data-count"]) for b in bars) + facts["undated"] == facts["total"]
    for bar in bars:
        args = parse_qs(urlsplit(bar["href"]).query)
        assert args["from"] == args["to"] == [bar["data-period"]]
        assert total_of(rclient, bar["href"]) == int(bar["data-count"])


# --- the timeline above the results --------------------------------------------------------------

QUERIES = ["Байконур", "Байконур source:roscosmos", "космодром", "стартовал", "Байтерек"]


@pytest.mark.parametrize("q", QUERIES)
def test_the_month_facet_adds_up_to_the_total_and_to_each_year(rclient, q) -> None:
    data = rclient.get("/api/search", query_string={"q": q}).get_json()
    months = data["facets"]["month"]
    assert sum(m["count"] for m in months) == data["total"]
    by_year: Counter[str | None] = Counter()
    for m in months:
        by_year[m["value"][:4] if m["value"] else None] += m["count"]
    assert by_year == {y["value"]: y["count"] for y in data["facets"]["year"]}
    dated = [m["value"] for m in months if m["value"]]
    assert dated == sorted(dated)  # a timeline: oldest first, undated last
    assert all(len(v) == 7 for v in dated)


@pytest.mark.parametrize("q", ["Байконур", "космодром"])
def test_the_bars_count_the_matches_and_link_to_their_month(rclient, q) -> None:
    r = rclient.get("/", query_string={"q": q, "sort": "date", "lang": "ru"})
    soup = BeautifulSoup(r.get_data(as_text=True), "html.parser")
    total = rclient.get("/api/search", query_string={"q": q, "lang": "ru"}).get_json()["total"]
    figure = soup.select_one("figure.timeline")
    bars = figure.select("svg a.bar")
    assert bars
    undated = int(figure.select_one("tbody tr:last-child td:last-child").text)
    assert sum(int(b["data-count"]) for b in bars) + undated == total
    for bar in bars:
        args = parse_qs(urlsplit(bar["href"]).query)
        assert args["q"] == [q] and args["sort"] == ["date"] and args["lang"] == ["ru"]
        assert args["from"] == args["to"] == [bar["data-period"]]
        narrowed = rclient.get(bar["href"])
        assert narrowed.status_code == 200
        assert total_of(rclient, bar["href"]) == int(bar["data-count"])
        assert bar.find("title").text.startswith(catalogue("ru").month(bar["data-period"]))
    # the text alternative lists the same periods and counts
    rows = [(tr.find_all("td")[0].text, tr.find_all("td")[1].text)
            for tr in figure.select("tbody tr")]
    assert rows[:-1] == [(catalogue("ru").month(b["data-period"]), b["data-count"]) for b in bars]


def test_an_empty_month_between_two_is_a_bar_without_a_link(rclient) -> None:
    soup = soup_of(rclient, "/?q=Байконур")
    svg = soup.select_one("figure.timeline svg")
    periods = [b["data-period"] for b in svg.select("a.bar")]
    assert "2018-05" in periods and "2018-06" in periods and "2018-08" not in periods
    width = int(svg["viewbox"].split()[2])
    first, last = periods[0], periods[-1]
    span = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1
    assert width == span * 10  # every month has its place, the empty ones too


def test_a_chart_title_and_links_escape_a_hostile_query(rclient) -> None:
    hostile = 'Байконур <script>alert("x")</script> & \'q\''
    r = rclient.get("/", query_string={"q": hostile})
    html = r.get_data(as_text=True)
    assert "<script>alert" not in html
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    svg = ET.fromstring(html[start:end])  # well-formed XML: every & < " escaped
    assert svg.find(f"{SVG}title").text == f"Найденные релизы по месяцам: «{hostile}»"
    assert svg.get("aria-label") == svg.find(f"{SVG}title").text
    links = svg.findall(f"{SVG}a")
    assert links and not svg.findall(f".//{SVG}script")
    for link in links:
        assert parse_qs(urlsplit(link.get("href")).query)["q"] == [hostile]


@pytest.mark.parametrize(("months", "by", "periods", "counts"), [
    ([("2018-05", 4), ("2018-07", 1), (None, 2)], "month",
     ["2018-05", "2018-06", "2018-07"], [4, 0, 1]),
    ([("2019-11", 1), ("2020-02", 3)], "month",
     ["2019-11", "2019-12", "2020-01", "2020-02"], [1, 0, 0, 3]),
    ([("2001-03", 2), ("2001-09", 1), ("2019-01", 5)], "year",
     [str(y) for y in range(2001, 2020)], [3] + [0] * 17 + [5]),
])
def test_bars_fill_every_period_and_turn_to_years_past_five_years(months, by, periods,
                                                                   counts) -> None:
    facet = [{"value": v, "count": n} for v, n in months]
    chart = timeline(facet, lambda p: f"/?from={p}", catalogue("en"))
    assert chart is not None and chart.by == by
    assert [b.period for b in chart.bars] == periods
    assert [b.count for b in chart.bars] == counts
    assert [b.url for b in chart.bars] == [f"/?from={p}" if n else None
                                           for p, n in zip(periods, counts, strict=True)]
    assert chart.dated + chart.undated == sum(n for _v, n in months)
    tallest = max(chart.bars, key=lambda b: b.count)
    assert tallest.height == chart.height and tallest.y == 0
    assert all(b.height >= 3 for b in chart.bars if b.count)


def test_sixty_months_are_months_and_sixty_one_are_years() -> None:
    sixty = [{"value": "2015-01", "count": 1}, {"value": "2019-12", "count": 1}]
    more = [{"value": "2015-01", "count": 1}, {"value": "2020-01", "count": 1}]
    assert timeline(sixty, str, catalogue("ru")).by == "month"
    assert len(timeline(sixty, str, catalogue("ru")).bars) == MAX_MONTHS
    assert timeline(more, str, catalogue("ru")).by == "year"


@pytest.mark.parametrize("months", [
    [], [{"value": None, "count": 3}], [{"value": "2018-05", "count": 7}],
    [{"value": "2018-05", "count": 7}, {"value": None, "count": 1}],
])
def test_no_chart_for_fewer_than_two_periods(months) -> None:
    assert timeline(months, str, catalogue("ru")) is None


@pytest.mark.parametrize(("lang", "title"), [
    ("ru", "май 2018: 4 релиза"), ("kk", "2018 жылғы мамыр: 4 релиз"),
    ("en", "May 2018: 4 releases"),
])
def test_a_bar_says_its_period_and_count_in_the_interface_language(lang, title) -> None:
    chart = timeline([{"value": "2018-05", "count": 4}, {"value": "2018-06", "count": 1}],
                     str, catalogue(lang))
    assert chart.bars[0].title == title


def test_a_search_spanning_years_draws_years(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    docs = {f"roscosmos/{year}.txt": f"---\ndate: {year}-04-12\n---\nДень космонавтики {year}\n\n"
            f"Праздник космонавтики отметили в {year} году.\n" for year in (2005, 2006, 2019)}
    write_docs(corpus, docs)
    reindex(corpus, tmp_path / "index", full=True)
    client = create_app({"TESTING": True, "INDEX_DIR": tmp_path / "index"}).test_client()
    soup = soup_of(client, "/?q=космонавтики&ui=en")
    figure = soup.select_one("figure.timeline")
    assert figure.figcaption.text.startswith("Matching releases by year")
    bars = figure.select("a.bar")
    assert [(b["data-period"], b["data-count"]) for b in bars] == [
        ("2005", "1"), ("2006", "1"), ("2019", "1")]
    assert parse_qs(urlsplit(bars[0]["href"]).query)["from"] == ["2005"]
    assert total_of(client, bars[0]["href"]) == 1
