"""Judging pools for the judged space sets: the held-out test set (``space_test_queries.jsonl``,
the default) and the second space set (``--queries space2_queries.jsonl --judgements
space2_judgements.jsonl``).

For each query the top ``--depth`` documents of several systems are merged, deduplicated,
stripped of what is already judged and shuffled, so the judge cannot tell which system found
a document. Systems: Orbita, Whoosh + Snowball and tantivy (``bench/contenders.py``), and a
grep over the word forms of the query's ``grep`` list (``GREP_FORMS`` below for the second
space set). Nothing is kept about which system returned what: the pool files hold only
document ids, titles and matching paragraphs (and the query's ``about`` line, what a relevant
document is about), and go to the work folder (``/tmp/orbita-pool`` by default), never into
the repository.

    python -m bench.pool build                      # indexes, once (reused afterwards)
    python -m bench.pool pool [--qids t2_001,...]   # writes WORK/pools/<qid>.md and .json
    python -m bench.pool grade t2_001 "4=2 9=1"     # numbered pool docs' grades, others 0

``grade`` records a grade for every document of the query's pool (0 unless given) in
``space_test_judgements.jsonl`` and rewrites the ``relevant`` map (grades 1-2) of the query in
``space_test_queries.jsonl``. A later ``pool`` run leaves judged documents out, so new systems
or deeper pools are judged incrementally.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.contenders import Contender, make
from bench.corpus import DEFAULT_CORPORA, doc_id, read_doc, russian_files

BENCH = Path(__file__).resolve().parent
QUERIES = BENCH / "space_test_queries.jsonl"
JUDGEMENTS = BENCH / "space_test_judgements.jsonl"
ENGINES = ("orbita", "snowball", "tantivy")

# grep: per query of the second space set (the test set's queries carry their own "grep"
# list), groups of alternatives ("|"). A word ending in "*" is a prefix, "{a,b}" expands to
# endings, words of one alternative must follow each other. Documents rank by the
# number of groups they match, then by matches (a title match counts 5).
GREP_FORMS: dict[str, list[str]] = {
    # word
    "test001": ["космонавт{,а,у,ом,е,ы,ов,ам,ами,ах}"],
    "test002": ["спутник{,а,у,ом,е,и,ов,ам,ами,ах}", "орбит*|космос*|космическ*|запуск*"],
    "test003": ["орбит{а,ы,е,у,ой,ою,,ам,ами,ах}"],
    "test004": ["ракет{а,ы,е,у,ой,ою,,ам,ами,ах}", "космос*|космическ*|запуск*|носител*"],
    "test005": ["космодром{,а,у,ом,е,ы,ов,ам,ами,ах}"],
    "test006": ["астронавт{,а,у,ом,е,ы,ов,ам,ами,ах}"],
    "test008": ["комет{а,ы,е,у,ой,ою,,ам,ами,ах}"],
    "test009": ["скафандр{,а,у,ом,е,ы,ов,ам,ами,ах}"],
    "test010": ["телескоп{,а,у,ом,е,ы,ов,ам,ами,ах}"],
    "test011": ["планет{а,ы,е,у,ой,ою,,ам,ами,ах}"],
    "test012": ["пилотируем{ый,ого,ому,ым,ом,ая,ой,ую,ое,ые,ых,ыми}", "космос*|космическ*|полет*"],
    "test013": ["затмени{е,я,ю,ем,и,й,ям,ями,ях}"],
    "test014": ["орбитальн{ый,ого,ому,ым,ом,ая,ой,ую,ое,ые,ых,ыми}"],
    # name
    "test015": ["гагарин{,а,у,ым,е}"],
    "test017": ["леонов{,а,у,ым,е}", "космос*|космонавт*|открыт*"],
    "test018": ["falcon heavy|фалкон хэви|фалкон хеви|фэлкон хэви", "falcon|фалкон|фэлкон",
                "heavy|хэви|хеви"],
    "test020": ["буран{,а,у,ом,е}", "корабл*|космическ*|шаттл*|энерги*|орбит*"],
    "test021": ["плесецк{,а,у,ом,е,ий,ого,ому}"],
    "test022": ["blue origin|блу ориджин|блю ориджин", "безос*|new shepard|нью шепард"],
    "test024": ["вояджер{,а,у,ом,е,ы,ов}|voyager*"],
    # phrase
    "test026": ["космическ* мусор*", "мусор*", "обломк*|фрагмент*|орбит*"],
    "test027": ["станци{я,и,ю,ей,ею} мир", "мир", "орбитальн*|космонавт*"],
    "test028": ["многоразов*", "ракет*|ступен*|носител*"],
    "test029": ["частн* космонавтик*|частн* космическ*|частн* компани*",
                "spacex|blue origin|virgin galactic|rocket lab|космическ* туризм*"],
    "test030": ["обратн* сторон* луны", "обратн* сторон*", "луна|луны|луне|луну|лунн*"],
    "test031": ["магнитн* бур*", "геомагнитн*", "солнечн* вспышк*|солнечн* активност*"],
    "test032": ["экипаж*", "мкс|международн* космическ* станци*"],
    "test034": ["космическ* гонк*", "гонк*", "ссср|советск*", "сша|америк*"],
    "test035": ["северн* сияни*|полярн* сияни*", "сияни*"],
    "test036": ["обломк*|фрагмент*", "падени*|упал*|упад*", "ракет*|ступен*"],
    # question
    "test038": ["открыт* космос*", "выход*|вышел|вышла", "леонов*"],
    "test039": ["женщин*", "космонавт*|космос*", "терешков*|савицк*"],
    "test040": ["луна|луны|луне|луну|лунн*", "космонавт*|пилотируем*|высадк*",
                "росси*|роскосмос*"],
    "test043": ["мкс|международн* космическ* станци*", "космонавт*|астронавт*",
                "жизн*|живут|быт*|спят|сна|еда|еду|питани*"],
    "test044": ["falcon|фалкон|фэлкон", "стоимост*|стоит|доллар*|миллион*", "запуск*"],
    "test046": ["двигател*", "рд-180|рд-181|рд 180", "сша|америк*|пентагон*",
                "закуп*|покуп*|поставк*"],
    "test047": ["девят* планет*|планет* икс|планет* x", "солнечн* систем*",
                "плутон*|нептун*|орбит*"],
    "test048": ["корабл* федераци*|«федераци*»", "корабл*|пилотируем*", "орел"],
    "test049": ["кита*|китайск*|кнр", "запуст*|запуск*", "космос*|орбит*|спутник*|ракет*"],
    # abbrev
    "test050": ["ека|esa", "европейск* космическ* агентств*"],
    # written after earlier pools had been read, replacing queries without a relevant
    # document (listed in bench/README.md)
    "test053": ["астроном{,а,у,ом,е,ы,ов,ам,ами,ах}"],
    "test054": ["кеплер{,а,у,ом,е}|kepler*"],
    "test057": ["virgin galactic|вирджин галактик", "spaceshiptwo|брэнсон*|branson"],
    "test058": ["колониз* марс*|колони* на марсе|освоени* марс*", "марс*", "колони*|переселени*"],
    "test059": ["альф{а,ы,е,у,ой} центавра|alpha centauri|проксим* центавра", "межзвездн*",
                "полет*|экспедици*|аппарат*|зонд*"],
    "test060": ["европ{а,ы,е,у,ой}|энцелад*|титан{,а,е,у,ом}",
                "жизн*|обитаем*|океан*|микроорганизм*", "юпитер*|сатурн*"],
    "test061": ["искусственн* интеллект*|нейросет*|нейронн* сет*|машинн* обучени*",
                "планет*|экзопланет*", "kepler*|кеплер*|google"],
    "test062": ["nasa|наса", "роскосмос*|росси*", "сотрудничеств*|взаимодейств*|санкци*|отказ*"],
    "test063": ["esa|ека", "европейск* космическ* агентств*"],
    "test065": ["juno|юнон{а,ы,е,у,ой}|джуно", "юпитер*"],
    "test066": ["маэдзав{а,ы,е,у,ой}|maezawa", "юсаку|yusaku"],
    "test067": ["сатурн{,а,у,ом,е}|saturn"],
}

SNIPPETS = 3  # matching paragraphs shown per document
SNIPPET_CHARS = 260
LEAD_CHARS = 200


@dataclass
class Doc:
    id: str
    title: str
    body: str
    folded_title: str
    folded_body: str


def fold(text: str) -> str:
    """Lowercase, ё→е, and quotes to spaces: the form grep patterns are matched in."""
    return re.sub(r"[«»„“”\"]", " ", text.lower().replace("ё", "е"))


def _expand(alt: str) -> list[str]:
    m = re.search(r"\{([^}]*)\}", alt)
    if not m:
        return [alt]
    head, tail = alt[: m.start()], alt[m.end():]
    return [x for end in m.group(1).split(",") for x in _expand(head + end + tail)]


def group_pattern(group: str) -> re.Pattern[str]:
    """One group of alternatives -> a whole-word regex (``*`` = any word ending)."""
    alts = []
    for alt in group.split("|"):
        for form in _expand(fold(alt).strip()):
            words = [re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "")
                     for w in form.split()]
            alts.append(r"\W+".join(words))
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


def load_docs(corpora: Path) -> list[Doc]:
    docs = []
    for f in russian_files(corpora):
        title, body = read_doc(f)
        docs.append(Doc(doc_id(f, corpora), title, body, fold(title), fold(body)))
    return docs


def grep(docs: list[Doc], patterns: list[re.Pattern[str]], depth: int) -> list[str]:
    scored = []
    for d in docs:
        groups, total = 0, 0
        for p in patterns:
            n = 5 * len(p.findall(d.folded_title)) + len(p.findall(d.folded_body))
            groups += n > 0
            total += n
        if groups:
            scored.append((-groups, -total, d.id))
    return [doc for _g, _t, doc in sorted(scored)[:depth]]


def engine(name: str, corpora: Path, workdir: Path, files: list[Path]) -> Contender:
    """A contender with its index in ``workdir/name``: built once, reused afterwards."""
    contender = make(name, corpora)
    home = workdir / name
    done = home / "built"
    if not done.exists():
        print(f"building {name} over {len(files)} documents …", file=sys.stderr, flush=True)
        stats = contender.build(files, home)
        done.write_text(f"{stats.docs} docs, {stats.seconds:.1f} s\n")
    contender.open(home)
    return contender


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")


def judged_docs(judgements: Path, qid: str) -> set[str]:
    return {r["doc"] for r in read_jsonl(judgements) if r["qid"] == qid}


def patterns_of(q: dict) -> list[re.Pattern[str]]:
    """The query's grep groups: its own ``grep`` list, else its entry in ``GREP_FORMS``."""
    groups = q.get("grep") or GREP_FORMS.get(q["qid"])
    if not groups:
        raise SystemExit(f"{q['qid']}: no grep forms (its \"grep\" list or GREP_FORMS); "
                         "list them first")
    return [group_pattern(g) for g in groups]


def snippets(doc: Doc, patterns: list[re.Pattern[str]]) -> list[str]:
    """Up to ``SNIPPETS`` body paragraphs with a match, cut around it: paragraphs matching the
    first group (the query's own words) come first."""
    found = []
    for order, para in enumerate(doc.body.split("\n")):
        folded = fold(para)  # same length as ``para``: offsets carry over
        for rank, p in enumerate(patterns):
            if hit := p.search(folded):
                found.append((rank, order, para, hit.start()))
                break
    out = []
    for _rank, _order, para, at in sorted(found)[:SNIPPETS]:
        start = max(0, at - SNIPPET_CHARS // 3)
        out.append(("…" if start else "") + para[start: start + SNIPPET_CHARS].strip())
    return out


def write_pool(q: dict, pool: list[str], docs: dict[str, Doc], pools: Path) -> None:
    patterns = patterns_of(q)
    lines = [f"# {q['qid']} [{q['kind']}] {q['query']}  ({len(pool)} documents)\n"]
    if q.get("about"):
        lines.append(f"Relevant: {q['about']}\n")
    for i, doc_key in enumerate(pool, 1):
        d = docs[doc_key]
        matches = len(patterns[0].findall(d.folded_title + "\n" + d.folded_body))
        lead = d.body[:LEAD_CHARS].replace("\n", " ")
        lines.append(f"## {i}. {d.id}  ({len(d.body)} chars, {matches} matches of the first group)")
        lines.append(f"T: {d.title}\nL: {lead}")
        lines += [f"- {s}" for s in snippets(d, patterns)]
        lines.append("")
    (pools / f"{q['qid']}.md").write_text("\n".join(lines), encoding="utf-8")
    (pools / f"{q['qid']}.json").write_text(json.dumps(pool), encoding="utf-8")


def rewrite(args: argparse.Namespace) -> None:
    """Rewrite the pool texts from the stored pools (after a change to how they are shown)."""
    docs = {d.id: d for d in load_docs(args.corpora.resolve())}
    pools = args.workdir / "pools"
    for q in read_jsonl(args.queries):
        if (pools / f"{q['qid']}.json").exists() and (not args.qids or q["qid"] in args.qids):
            write_pool(q, json.loads((pools / f"{q['qid']}.json").read_text()), docs, pools)


def make_pools(args: argparse.Namespace) -> None:
    corpora = args.corpora.resolve()
    files = russian_files(corpora)
    docs = {d.id: d for d in load_docs(corpora)}
    queries = [q for q in read_jsonl(args.queries) if not args.qids or q["qid"] in args.qids]
    patterns = {q["qid"]: patterns_of(q) for q in queries}  # fail before any build
    results: dict[str, set[str]] = {q["qid"]: set() for q in queries}
    for name in ENGINES:
        contender = engine(name, corpora, args.workdir, files)
        try:
            for q in queries:
                results[q["qid"]].update(contender.search(q["query"], args.depth))
        finally:
            contender.close()
    pools = args.workdir / "pools"
    pools.mkdir(parents=True, exist_ok=True)
    for q in queries:
        found = results[q["qid"]] | set(grep(list(docs.values()), patterns[q["qid"]], args.depth))
        pool = sorted(found - judged_docs(args.judgements, q["qid"]))
        seed = int(hashlib.sha256(q["qid"].encode()).hexdigest(), 16)
        random.Random(seed).shuffle(pool)
        write_pool(q, pool, docs, pools)
        print(f"{q['qid']}: {len(pool)} new documents to judge", file=sys.stderr)


def parse_grades(text: str, size: int) -> dict[int, int]:
    grades = {}
    for item in text.split():
        number, _, grade = item.partition("=")
        if not (number.isdigit() and grade in {"1", "2"} and 1 <= int(number) <= size):
            raise SystemExit(f"bad grade '{item}': expected N=1 or N=2 with 1 <= N <= {size}")
        grades[int(number)] = int(grade)
    return grades


def grade(args: argparse.Namespace) -> None:
    pool_file = args.workdir / "pools" / f"{args.qid}.json"
    if not pool_file.exists():
        raise SystemExit(f"no pool for {args.qid}: run `python -m bench.pool pool` first")
    pool: list[str] = json.loads(pool_file.read_text())
    n = record_grades(args.queries, args.judgements, args.qid, pool, args.grades)
    print(f"{args.qid}: {len(pool)} judged, {n} relevant in all", file=sys.stderr)


def record_grades(queries_file: Path, judgements_file: Path, qid: str, pool: list[str],
                  grades: str) -> int:
    """Grade every pooled document of ``qid`` (0 unless ``grades`` says "N=1"/"N=2" for the
    N-th); returns how many documents of the query are relevant in all."""
    queries = read_jsonl(queries_file)
    if not any(q["qid"] == qid for q in queries):
        raise SystemExit(f"{qid} is not a query of {queries_file}")
    given = parse_grades(grades, len(pool))
    rows = [r for r in read_jsonl(judgements_file) if not (r["qid"] == qid and r["doc"] in pool)]
    rows += [{"qid": qid, "doc": d, "grade": given.get(i, 0)} for i, d in enumerate(pool, 1)]
    write_jsonl(judgements_file, rows)
    relevant = {r["doc"]: r["grade"] for r in rows if r["qid"] == qid and r["grade"] > 0}
    for q in queries:
        if q["qid"] == qid:
            q["relevant"] = dict(sorted(relevant.items(), key=lambda kv: (-kv[1], kv[0])))
    write_jsonl(queries_file, queries)
    return len(relevant)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/orbita-pool"))
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="build the engines' indexes in the work folder")
    p = sub.add_parser("pool", help="write the judging pools")
    p.add_argument("--depth", type=int, default=20)
    p.add_argument("--qids", type=lambda s: set(s.split(",")), default=set())
    r = sub.add_parser("show", help="rewrite the pool texts from the stored pools")
    r.add_argument("--qids", type=lambda s: set(s.split(",")), default=set())
    g = sub.add_parser("grade", help="record the grades of one query's pool")
    g.add_argument("qid")
    g.add_argument("grades", help='"N=2 M=1 …" by pool number; every other document is 0')
    args = ap.parse_args(argv)
    if args.command == "build":
        files = russian_files(args.corpora.resolve())
        for name in ENGINES:
            engine(name, args.corpora.resolve(), args.workdir, files).close()
    elif args.command == "pool":
        make_pools(args)
    elif args.command == "show":
        rewrite(args)
    else:
        grade(args)


if __name__ == "__main__":
    main()
