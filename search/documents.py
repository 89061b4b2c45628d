"""The one place that turns a corpus file into a Document.

Reading, encoding detection, markup removal and title/date/source extraction all live here, so
the indexer, the command line and the web app agree on what a document is. Nothing here guesses
silently: a file that cannot be read as text raises DocumentError with a human reason.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import json
import math
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date as _date
from functools import lru_cache
from html.parser import HTMLParser
from itertools import repeat
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from charset_normalizer import from_bytes

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "CorpusScan",
    "Document",
    "DocumentError",
    "content_hash",
    "load_document",
    "scan_corpus",
]

SUPPORTED_SUFFIXES = frozenset({".txt", ".html", ".htm", ".md"})
MAX_FILE_BYTES = 20 * 1024 * 1024


class DocumentError(Exception):
    """A file that cannot become a document; str(err) is one clear, human reason (English)."""


@dataclass(frozen=True, slots=True)
class Document:
    id: str  # path relative to the corpus root, '/'-separated (stable id)
    title: str
    body: str  # plain text, paragraphs separated by "\n\n"; the title is not repeated at its start
    lang: str  # "ru" | "en" | "mixed"
    size: int  # bytes of the file
    hash: str  # content_hash(raw bytes)
    date: str | None  # "YYYY-MM-DD" when the document gives it ("YYYY-MM" for a month alone)
    source: str | None  # agency/publisher, else the first folder of the id, else None


@dataclass
class CorpusScan:
    files: dict[str, Path] = field(default_factory=dict)  # doc id -> path, sorted by id
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (relative path, reason)


BINARY = "not valid text (binary data)"
UNKNOWN_ENCODING = "not valid text (unknown encoding)"
EMPTY = "empty"

# Invisible characters that may sit at the edges of a title or make a line look non-blank.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad"
_EDGE_CHARS = _INVISIBLE + (
    " \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
_TITLE_MAX = 300  # a longer first line is a paragraph, not a headline
_TITLE_CUT = 200


# --------------------------------------------------------------------------- corpus scan


def scan_corpus(root: Path) -> CorpusScan:
    """List the documents under `root` (no symlinks followed, hidden and `_` names skipped)."""
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"corpus path is not a folder: {root}")
    found: list[tuple[str, Path]] = []
    ignored: list[tuple[str, str]] = []
    stack: list[tuple[str, str]] = [("", os.fspath(root))]
    while stack:
        prefix, folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as err:
            ignored.append((prefix.rstrip("/") or ".", f"unreadable folder: {_os_reason(err)}"))
            continue
        for entry in entries:
            name = entry.name
            rel = prefix + name
            try:
                if entry.is_symlink():  # never leave the corpus, whatever the link points to
                    ignored.append((rel, "symbolic link (not followed)"))
                    continue
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file(follow_symlinks=False)
            except OSError as err:
                ignored.append((rel, f"unreadable: {_os_reason(err)}"))
                continue
            kind = "folder" if is_dir else "file"
            if name.startswith("."):
                ignored.append((rel, f"hidden {kind}"))
            elif name.startswith("_"):
                ignored.append((rel, f"metadata {kind} (name starts with _)"))
            elif not _is_utf8_name(rel):
                ignored.append((rel, "file name is not valid UTF-8"))
            elif "\\" in name or any(unicodedata.category(c) == "Cc" for c in name):
                # such ids cannot be written in a URL path reliably: rename the file
                ignored.append((rel, f"{kind} name with a backslash or a control character"))
            elif is_dir:
                stack.append((rel + "/", entry.path))
            elif not is_file:
                ignored.append((rel, "not a regular file"))
            else:
                suffix = os.path.splitext(name)[1].lower()
                if suffix in SUPPORTED_SUFFIXES:
                    found.append((rel, Path(entry.path)))
                elif suffix:
                    ignored.append((rel, f"unsupported type {suffix}"))
                else:
                    ignored.append((rel, "unsupported type (no extension)"))
    found.sort()
    ignored.sort()
    return CorpusScan(files=dict(found), ignored=ignored)


def _is_utf8_name(rel: str) -> bool:
    # Undecodable names come back with surrogate escapes; such an id could not be stored.
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _os_reason(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, FileNotFoundError):
        return "file not found"
    if isinstance(err, IsADirectoryError):
        return "is a folder"
    return (err.strerror or str(err)).lower()


# --------------------------------------------------------------------------- loading


def content_hash(data: bytes) -> str:
    """Hex digest of a file's bytes, used to tell changed files from touched ones."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def load_document(path: Path, doc_id: str, data: bytes | None = None) -> Document:
    """Read, decode and parse one file; raises DocumentError with the reason it can't be used."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"unsupported type {suffix or '(no extension)'}")
    raw = _read(path) if data is None else data
    if len(raw) > MAX_FILE_BYTES:
        raise DocumentError(_too_large(len(raw)))
    if not raw:
        raise DocumentError(EMPTY)

    if suffix in (".html", ".htm"):
        text = _normalise(_decode(raw, declared=_declared_charset(raw)))
        _require_text(text)
        parts = _parse_html(text)
    else:
        text = _normalise(_decode(raw))
        _require_text(text)
        parts = _parse_plain(text, markdown=suffix == ".md")

    title, body = parts.title, parts.body
    if not title and not body:
        raise DocumentError("empty (no text outside the markup)")
    source = parts.source
    if not source and "/" in doc_id:
        source = doc_id.split("/", 1)[0]
    lang = parts.lang or _detect_lang(title + "\n" + body)
    return Document(
        id=doc_id,
        title=title,
        body=body,
        lang=lang,
        size=len(raw),
        hash=content_hash(raw),
        date=parts.date,
        source=source,
    )


def _read(path: Path) -> bytes:
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            raise DocumentError("symbolic link (not followed)")
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError("not a regular file")
        if st.st_size > MAX_FILE_BYTES:  # before reading: never pull a huge file into memory
            raise DocumentError(_too_large(st.st_size))
        with open(path, "rb") as f:
            # Read one byte past the limit in case the file grew after stat().
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise DocumentError(f"unreadable: {_os_reason(err)}") from err


def _too_large(size: int) -> str:
    return f"too large ({_size_text(size, trim=False)} > {_size_text(MAX_FILE_BYTES, trim=True)})"


def _size_text(n: int, trim: bool) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            number = f"{n / scale:.1f}"
            if trim:
                number = number.removesuffix(".0")
            return f"{number} {unit}"
    return f"{n} bytes"


def _require_text(text: str) -> None:
    if not text.strip(_EDGE_CHARS):
        raise DocumentError(EMPTY)


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2029", "\n\n").replace("\u2028", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


# --------------------------------------------------------------------------- decoding

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Russian texts in the wild: Windows, KOI8 and DOS code pages; cp1252 for Western texts.
# Order breaks ties (identical decodings, e.g. ASCII with curly quotes).
_SINGLE_BYTE = ("cp1251", "koi8_r", "cp866", "cp1252")
# Asked of charset-normalizer only when none of the above reads plausibly. No multi-byte Asian
# encodings: they turn almost any byte soup into "valid" ideographs.
_FALLBACK_ENCODINGS = ["mac_cyrillic", "iso8859_5", "cp1250", "cp1253", "cp1254", "cp1257"]
_SAMPLE = 1 << 16
# Only words with non-ASCII bytes tell code pages apart; a few hundred of them are plenty.
_HIGH_WORDS = re.compile(rb"[A-Za-z\x80-\xff]*[\x80-\xff][A-Za-z\x80-\xff]*")
_SCORE_WORDS = 400
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1f\x7f]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def _decode(data: bytes, declared: str | None = None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_controls(data[len(bom):].decode(encoding))
            except UnicodeDecodeError:
                raise DocumentError(f"not valid text (broken {encoding.upper()})") from None
    if b"\x00" in data:
        # NUL never occurs in text, except as half of a UTF-16 code unit.
        text = _decode_utf16_without_bom(data)
        if text is None:
            raise DocumentError(BINARY)
        return _check_controls(text)
    try:
        return _check_controls(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    sample = data[:_SAMPLE]
    if len(_CONTROL_BYTES.findall(sample)) * 20 > len(sample):
        raise DocumentError(BINARY)
    return _check_controls(_decode_single_byte(data, declared))


def _check_controls(text: str) -> str:
    text = text.rstrip("\x1a")  # DOS end-of-file marker
    if "\x00" in text:
        raise DocumentError(BINARY)
    if len(_CONTROL_CHARS.findall(text, 0, _SAMPLE)) * 20 > min(len(text), _SAMPLE):
        raise DocumentError(BINARY)
    return text


_UTF16_PLAUSIBLE = re.compile(
    "[\t\n\r\x20-\x7e\u00a0-\u024f\u0370-\u052f\u2000-\u206f\u20a0-\u20cf\u2100-\u214f]"
)


def _decode_utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    best: tuple[int, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        # Wrong byte order turns Latin/Cyrillic into CJK and private-use characters.
        good = len(_UTF16_PLAUSIBLE.findall(text, 0, _SAMPLE))
        if good * 20 >= min(len(text), _SAMPLE) * 19 and (best is None or good > best[0]):
            best = (good, text)
    return best[1] if best else None


def _decode_single_byte(data: bytes, declared: str | None) -> str:
    sample = b" ".join(_HIGH_WORDS.findall(data, 0, 1 << 18)[:_SCORE_WORDS])
    scored: list[tuple[float, int, str, _Plausibility]] = []
    for rank, encoding in enumerate(_SINGLE_BYTE):
        try:
            p = _plausibility(sample.decode(encoding))
        except UnicodeDecodeError:
            continue
        scored.append((p.score, -rank, encoding, p))
    scored.sort(reverse=True)
    if declared and declared not in ("utf-8", "ascii"):
        # A page's own declaration wins unless it reads clearly worse than the best guess.
        try:
            text = data.decode(declared)
            try:
                p = _plausibility(sample.decode(declared))
            except UnicodeDecodeError:  # a multi-byte encoding split by the sampling
                p = _plausibility(text[:_SAMPLE])
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            best = scored[0][0] if scored else -math.inf
            if p.plausible and p.score >= best - 0.5 * p.non_ascii:
                return text
    for _score, _rank, encoding, p in scored:
        if not p.plausible:
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    match = from_bytes(data[:_SAMPLE], cp_isolation=_FALLBACK_ENCODINGS).best()
    if match is not None:
        try:
            text = data.decode(match.encoding)
            plausible = _plausibility(sample.decode(match.encoding)).plausible
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            if plausible:
                return text
    raise DocumentError(UNKNOWN_ENCODING)


# Russian letter pairs by frequency ("_" marks a word edge), counted on Russian news text:
# the 100 most common, the next 100, the next 200 (together 97% of all pairs). A decoding in
# the wrong Cyrillic code page yields rare pairs, even when it is all lower case.
_PAIRS_TOP = frozenset((
    "_п и_ о_ а_ е_ _с _в ст _н то ен ни но ра на ро я_ в_ по _о ко ов _и ре пр й_ ан _к ос "
    "ер м_ та го не ор ли т_ ал ь_ _д _м ва _р во ет _т од ол от ом ка ти те де ри ле ит ск "
    "ны ат он ль ес ин ы_ _б х_ ел за ла ог ть ме ве да у_ об _г тр ло ед ки ой _з ак со ил "
    "че ми ем _у до _ч ас ав ия ис _а ар ам "
).split())
_PAIRS_COMMON = frozenset((
    "ие тв ви мо л_ нн ии им с_ се ма ик ся к_ си ци же бо н_ аз _э пе ди из вы ру ей ю_ сл "
    "ий сс ир нт тс ок _л чт ьн ив ег _е сп ев па бы ое оп их ад ля ых дн эт ча ше кр ая ич "
    "уд ек са ту ду гр чи ры бе тн нс ые ае ез вс вл ид _ф ут хо кт р_ ож оз ку ну вн ще ый "
    "га рт му йс д_ ац ят ым оч ты ши сь су "
).split())
_PAIRS_USUAL = frozenset((
    "пи ус з_ рн лу бр ур зи це св ую ги аб уч жн нд уж ыл жи ьс ее иц зн бл ют ию ио зо ах "
    "аю вр _х щи _я сн ап гл жд мы ша ук _ж уп бу иг ня ач пу ба нк мп би ря чн аж дл ул иа "
    "пл еч др рс ке зв ыв лю еж ге ои мн яв см дс кс _ш уб ай фи жа аг кл рм ыс оо ош рг ву "
    "оя ум зд еш нь аи дв фо нц уг _ц аш еп рв ды тк ян ун еб ех ыт г_ фе ющ гд ха бщ гу ьк "
    "сш эк зм лс ьш рж нг тя зы вк ещ ср вш ям лн зу рк лл рд ье мя иб ео ец рь кж яд ью ща "
    "вт ущ рр ох лж сч зр шл б_ яз дж оц зе йн ял вя ащ уе кв яе пы тм иш бн ип уш ца нф мм "
    "сы оф лы ув иж мл фа ьт ях _ю бс фр уз юд мс пп еа ын шн йт уа кн юч кц ья аф "
).split())
_WORD = re.compile(r"[^\W\d_]+")
_COMMON_SYMBOLS = frozenset(
    "«»—–―‐‑‒…№“”„‘’‚•°±×·€©®™§′″\u00a0\u202f\u2009\u200b\u00ad"
)


@dataclass(slots=True)
class _Plausibility:
    score: float  # higher reads more like real text
    bad: int  # characters that mostly come from mis-decoding
    non_ascii: int
    pairs: int  # letter pairs in Cyrillic words
    pair_score: int

    @property
    def plausible(self) -> bool:
        # Real Russian (and Ukrainian, Bulgarian...) averages above +0.1 per pair; another
        # script read through a Cyrillic code page falls well below zero.
        return self.bad * 5 <= self.non_ascii and (
            self.pairs < 12 or self.pair_score * 2 >= -self.pairs
        )


_PAIR_WEIGHTS = (
    dict.fromkeys(_PAIRS_USUAL, 0) | dict.fromkeys(_PAIRS_COMMON, 1) | dict.fromkeys(_PAIRS_TOP, 2)
)
_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]+")
_LATIN_WORD = re.compile("[A-Za-z\u00c0-\u024f]+")
# Non-ASCII characters that are neither letters, spaces nor common typography: box drawing,
# currency and math signs, controls. Real text has few; mojibake is full of them.
# (Latin, Greek and Cyrillic letters are excluded here for speed; other letters by isalpha.)
_SUSPECT_CHARS = re.compile(
    "[^\x00-\x7f\u00c0-\u024f\u0370-\u04ff\\s"
    + re.escape("".join(sorted(_COMMON_SYMBOLS)))
    + "]"
)


def _pair_score(word: str) -> int:
    word = "_" + word.lower().replace("ё", "е") + "_"
    return sum(map(_PAIR_WEIGHTS.get, map(str.__add__, word[:-1], word[1:]), repeat(-3)))


@lru_cache(maxsize=8192)
def _word_features(word: str) -> tuple[float, int, int, int]:
    """(score, bad letters, Cyrillic pairs, their pair score) of one non-ASCII word."""
    n = len(word)
    if _CYRILLIC_WORD.fullmatch(word):
        pair_score = _pair_score(word)
        # Natural casing: lower, Capitalised or ABBREVIATION. A wrong Cyrillic code page swaps
        # cases, so capitalised words come out as "мИНИСТР".
        if word.islower() or word.isupper() or word[1:].islower():
            return pair_score, 0, n + 1, pair_score
        return pair_score - 6 * n, n, n + 1, pair_score
    if _LATIN_WORD.fullmatch(word):
        accented = sum(1 for c in word if not c.isascii())
        if n == 1 or accented < n:
            return -0.5 * accented, 0, 0, 0
        return -6 * accented, accented, 0, 0  # only accented letters: Cyrillic read as cp1252
    if _CYRILLIC_WORD.search(word) and _LATIN_WORD.search(word):
        return -6 * n, n, 0, 0  # scripts mixed inside a word
    return -n, 0, 0, 0  # another script: possible, but not what this corpus expects


def _plausibility(text: str) -> _Plausibility:
    """Score a candidate decoding: common Russian letter pairs, natural casing, no script mixing
    inside words, none of the symbols (box drawing, rare punctuation) that only mojibake has."""
    score = 0.0
    bad = pairs = pair_score = 0
    for word in _WORD.findall(text):
        if not word.isascii():  # ASCII words read the same in every candidate
            w_score, w_bad, w_pairs, w_pair_score = _word_features(word)
            score += w_score
            bad += w_bad
            pairs += w_pairs
            pair_score += w_pair_score
    suspects = sum(1 for c in _SUSPECT_CHARS.findall(text) if not c.isalpha())
    score -= 6 * suspects
    bad += suspects
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return _Plausibility(score, bad, non_ascii, pairs, pair_score)


_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # A declaration readable as ASCII cannot be in UTF-16/32; browsers read such pages as UTF-8.
    if codec.startswith(("utf-16", "utf-32")):
        return None
    return codec


# --------------------------------------------------------------------------- dates

_RU_MONTH_STEMS = (
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("июн", 6), ("июл", 7),
    ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
)
# январь, января, январе, январю, январём; март, марта, марте, марту, мартом
_RU_MONTH_ENDINGS = frozenset({"", "ь", "я", "е", "ю", "ем", "ём", "а", "у", "ом"})
_MONTH_WORDS = {
    "май": 5, "мая": 5, "мае": 5, "маю": 5, "маем": 5,
    "янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "авг": 8, "сен": 9, "сент": 9,
    "окт": 10, "ноя": 11, "нояб": 11, "дек": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word in _MONTH_WORDS:
        return _MONTH_WORDS[word]
    for stem, number in _RU_MONTH_STEMS:
        if word.startswith(stem) and word[len(stem) :] in _RU_MONTH_ENDINGS:
            return number
    return None


_DATE_PATTERNS = (
    # (regex, group order as (year, month, day) indexes; month may be a word; no day: a month)
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), (1, 2, 3)),
    (re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"), (3, 2, 1)),
    (re.compile(r"(?<!\d)(\d{1,2})\s+([^\W\d_]{3,})\.?,?\s+(\d{4})(?!\d)"), (3, 2, 1)),
    (re.compile(r"\b([A-Za-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)"), (3, 1, 2)),
    # Only when no full date is there: "в мае 2018", "May 2018", "2018-05".
    (re.compile(r"(?<!\w)(?:(?:[вВ]|[Ii]n)\s+)?([^\W\d_]{3,})\.?,?\s+(\d{4})(?!\d)"), (2, 1, 0)),
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})(?![\d-])"), (1, 2, 0)),
)
# Before a dateline's date: a place or a weekday ("Байконур, ", "WASHINGTON — "), at most four
# words; a longer lead-in is a sentence or a photo caption, not a dateline.
_PLACE = re.compile(r"(?=.{0,50}$)[«\"„]?[^\W\d_][^\s\d]*(?:\s+[^\s\d]+){0,3}?\s*[,.:;|—–-]\s*")
_DATE_TAIL = re.compile(
    r"\s*(?i:г\.?|года)?"
    r"(?:\s*[,.;]?\s*\d{1,2}[:.]\d{2}(?:\s*[^\W\d_]{2,4})?)?"
    r"(?:\s*[,;—–-]\s*[^\W\d_][^\d]{0,40}?)?"
    r"\s*[.,;:]?"
)


def _iter_dates(text: str) -> Iterator[tuple[re.Match[str], str]]:
    for pattern, (yi, mi, di) in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            month_text = m.group(mi)
            month = int(month_text) if month_text.isdigit() else _month(month_text)
            if month is None:
                continue
            year = int(m.group(yi))
            if not 1900 <= year <= 2100:
                continue
            if not di:
                # A month alone, unless a day stands before it ("31 февраля 2018" is no date).
                if 1 <= month <= 12 and not text[: m.start()].rstrip()[-1:].isdigit():
                    yield m, f"{year:04d}-{month:02d}"
                continue
            day = int(m.group(di))
            try:
                yield m, _date(year, month, day).isoformat()
            except ValueError:  # 31.02.2018 is not a date
                continue


def _parse_date(value: str | None) -> str | None:
    """The first valid date in a metadata value, as YYYY-MM-DD (YYYY-MM for a month alone)."""
    if not value:
        return None
    for _m, iso in _iter_dates(value[:200]):
        return iso
    return None


def _date_line(line: str) -> str | None:
    """The date of a line that is only a date (optionally with a place), e.g. a dateline."""
    line = line.strip(_EDGE_CHARS)
    if not line or len(line) > 80:
        return None
    for m, iso in _iter_dates(line):
        before, after = line[: m.start()], line[m.end():]
        if (not before or _PLACE.fullmatch(before)) and _DATE_TAIL.fullmatch(after):
            return iso
    return None


# --------------------------------------------------------------------------- shared pieces


@dataclass(slots=True)
class _Parts:
    title: str
    body: str
    date: str | None = None
    source: str | None = None
    lang: str | None = None


_CYRILLIC_RUN = re.compile("[\u0400-\u052f]+")
_LATIN_RUN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")


def _detect_lang(text: str) -> str:
    cyrillic = sum(map(len, _CYRILLIC_RUN.findall(text)))
    latin = sum(map(len, _LATIN_RUN.findall(text)))
    total = cyrillic + latin
    if not total:
        return "mixed"
    if cyrillic * 5 >= total * 4:
        return "ru"
    if latin * 5 >= total * 4:
        return "en"
    return "mixed"


_LANG_VALUES = {
    "ru": "ru", "rus": "ru", "russian": "ru", "русский": "ru", "ru-ru": "ru",
    "en": "en", "eng": "en", "english": "en", "английский": "en", "en-us": "en", "en-gb": "en",
    "mixed": "mixed",
}
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def _clean_title(title: str) -> str:
    return _SPACES.sub(" ", title).strip(_EDGE_CHARS)


def _short_title(line: str) -> tuple[str, bool]:
    """A title from a first line; (title, whole line used). Over-long lines are cut."""
    title = _clean_title(line)
    if len(title) <= _TITLE_MAX:
        return title, True
    cut = title[:_TITLE_CUT]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—–-") + "…", False


def _same_text(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return _SPACES.sub(" ", s).strip(_EDGE_CHARS + ".").casefold()

    return bool(a) and key(a) == key(b)


def _is_blank(line: str) -> bool:
    return not line.strip(_EDGE_CHARS)


_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.MULTILINE)
_MANY_NEWLINES = re.compile(r"\n{3,}")


def _join_lines(lines: Iterable[str]) -> str:
    """Lines -> body: blank-looking lines are paragraph breaks, at most one blank line."""
    text = "\n".join("" if _is_blank(line) else line for line in lines)
    text = _TRAILING_SPACE.sub("", text)
    return _MANY_NEWLINES.sub("\n\n", text).strip("\n")


# --------------------------------------------------------------------------- .txt and .md

_FM_KEYS = {
    "date": "date", "дата": "date", "published": "date",
    "source": "source", "источник": "source", "publisher": "source", "agency": "source",
    "title": "title", "заголовок": "title",
    "lang": "lang", "language": "lang", "язык": "lang",
}
_FM_LINE = re.compile(r"\s*([^\W\d][\w-]*)\s*:\s*(.*?)\s*")
_YAML_LINE = re.compile(r"[\w.-]+\s*:.*|\s+.*|-\s.*|#.*")
_YAML_KEY = re.compile(r"[\w.-]+\s*:")


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """Front matter at the top: ({field: value}, index of the first line after it)."""
    first = 0
    while first < len(lines) and _is_blank(lines[first]):
        first += 1
    if first == len(lines):
        return {}, 0
    meta: dict[str, str] = {}
    if lines[first].strip(_EDGE_CHARS) == "---":
        # Fenced: every line YAML-like and at least one "key: value"; unknown keys are skipped.
        keys = 0
        for end in range(first + 1, min(len(lines), first + 100)):
            line = lines[end]
            if line.strip() in ("---", "..."):
                break
            if line.strip() and not _YAML_LINE.fullmatch(line):
                return {}, 0
            keys += bool(_YAML_KEY.match(line))
        else:
            return {}, 0
        if not keys:
            return {}, 0
        for line in lines[first + 1 : end]:
            _front_matter_field(line, meta)
        return meta, end + 1
    # Unfenced: only known keys, then a blank line, then the text itself.
    end = first
    while end < len(lines) and not _is_blank(lines[end]):
        if not _front_matter_field(lines[end].strip(_INVISIBLE), meta):
            return {}, 0
        end += 1
    if all(_is_blank(line) for line in lines[end:]):
        return {}, 0  # "Источник: ..." alone is the text, not metadata about it
    return meta, end


def _front_matter_field(line: str, meta: dict[str, str]) -> bool:
    m = _FM_LINE.fullmatch(line)
    if not m:
        return False
    key = _FM_KEYS.get(m.group(1).casefold())
    if key is None:
        return False
    value = m.group(2)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    meta.setdefault(key, value.strip())
    return True


# Markdown, line by line: (kind, text) with kind "h" (heading), "p" (text) or "" (break).
_MD_FENCE = re.compile(r"\s{0,3}(`{3,}|~{3,}).*")
_MD_ATX = re.compile(r"\s{0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_MD_SETEXT = re.compile(r"\s{0,3}(?:=+|-+)[ \t]*")
_MD_RULE = re.compile(r"\s{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_MD_QUOTE = re.compile(r"^\s{0,3}(?:>[ \t]?)+")
_MD_LIST = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_MD_REF_DEF = re.compile(r"\s{0,3}\[[^\]]+\]:\s*\S.*")
_MD_TABLE_RULE = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MD_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~<])")
_MD_INLINE = (
    (re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])"), ""),  # images are dropped
    (re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<((?:https?|ftp)://[^>\s]+|[^@>\s]+@[^>\s]+)>"), r"\1"),
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " "),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
)
_PUA = 0xE000  # escaped characters are parked here so that emphasis rules leave them alone


def _md_inline(text: str) -> str:
    pieces = _MD_CODE_SPAN.split(text)
    out: list[str] = []
    for i in range(0, len(pieces), 3):
        plain = _MD_ESCAPE.sub(lambda m: chr(_PUA + ord(m.group(1))), pieces[i])
        for pattern, replacement in _MD_INLINE:
            plain = pattern.sub(replacement, plain)
        plain = html.unescape(plain)
        out.append(re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group()) - _PUA), plain))
        if i + 2 < len(pieces):
            out.append(pieces[i + 2].strip(" ") or pieces[i + 2])
    return "".join(out)


def _md_items(text: str) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    fence: str | None = None
    for line in _MD_COMMENT.sub("", text).split("\n"):
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
                items.append(("", ""))
            else:
                items.append(("p", line))  # code is kept as it is written
            continue
        m = _MD_FENCE.fullmatch(line)
        if m:
            fence = m.group(1)
            items.append(("", ""))
            continue
        if _is_blank(line):
            items.append(("", ""))
            continue
        m = _MD_ATX.fullmatch(line)
        if m:
            items += [("", ""), ("h", _md_inline(m.group(1) or "")), ("", "")]
            continue
        if _MD_SETEXT.fullmatch(line) and items and items[-1][0] == "p":
            # "Title\n=====": the previous line was a heading
            items[-1:] = [("", ""), ("h", items[-1][1]), ("", "")]
            continue
        if _MD_RULE.fullmatch(line) or _MD_SETEXT.fullmatch(line):
            items.append(("", ""))
            continue
        if _MD_REF_DEF.fullmatch(line) or _MD_TABLE_RULE.fullmatch(line):
            continue
        line = _MD_QUOTE.sub("", line, count=1)
        line = _MD_LIST.sub(r"\1", line, count=1)
        line = _md_inline(line)
        items.append(("p", line) if not _is_blank(line) else ("", ""))
    return items


def _is_kicker(line: str) -> bool:
    line = line.strip()
    return bool(_date_line(line)) or (len(line) <= 60 and not line.endswith(tuple(".!?…:;")))


def _next_filled(items: list[tuple[str, str]], start: int) -> int | None:
    return next((i for i in range(start, len(items)) if items[i][0]), None)


def _parse_plain(text: str, markdown: bool) -> _Parts:
    lines = text.split("\n")
    meta, start = _front_matter(lines)
    lines = lines[start:]
    if markdown:
        items = _md_items("\n".join(lines))
    else:
        items = [("", "") if _is_blank(line) else ("p", line) for line in lines]

    date = _parse_date(meta.get("date"))
    title = _clean_title(meta.get("title", ""))
    title_at = 0
    if title:
        # An explicit title; drop the first line if it only repeats it.
        first = _next_filled(items, 0)
        if first is not None and _same_text(items[first][1], title):
            del items[first]
    else:
        filled = [i for i, (kind, _) in enumerate(items) if kind][:3]
        if not filled:
            return _Parts(title="", body="")
        title_at = filled[0]
        if markdown:
            # The first heading, if only a dateline or a kicker ("ПРЕСС-РЕЛИЗ") comes before
            # it; a heading after real paragraphs is a section, not the title.
            for n, i in enumerate(filled):
                if items[i][0] == "h" and all(_is_kicker(items[j][1]) for j in filled[:n]):
                    title_at = i
                    break
        if title_at == filled[0] and len(filled) > 1 and _date_line(items[filled[0]][1]):
            title_at = filled[1]  # a dateline first: the title follows, the dateline stays
        title, whole = _short_title(items[title_at][1])
        if whole:
            del items[title_at]
    if date is None:
        # A dateline as the release's first line or as the first line after its title.
        for start_at in (0, title_at):
            i = _next_filled(items, start_at)
            if i is not None and (date := _date_line(items[i][1])):
                break

    body = _join_lines(line for _, line in items)
    return _Parts(
        title=title,
        body=body,
        date=date,
        source=meta.get("source") or None,
        lang=_LANG_VALUES.get(meta.get("lang", "").casefold()),
    )


# --------------------------------------------------------------------------- HTML

_SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "nav", "aside", "form", "head", "title",
    "iframe", "object", "svg", "math", "canvas", "video", "audio", "select", "button",
    "textarea", "dialog", "map",
})
_CHROME_TAGS = frozenset({"header", "footer"})  # site chrome, unless part of an <article>
_SKIP_ROLES = frozenset({"navigation", "complementary", "search", "menu", "menubar"})
_CHROME_ROLES = frozenset({"banner", "contentinfo"})
_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "section", "article",
    "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot",
    "caption", "figure", "figcaption", "header", "footer", "main", "address", "hr", "fieldset",
    "legend", "details", "summary", "center", "hgroup", "body", "html", "menu",
})
_CELL_TAGS = frozenset({"td", "th"})
_VOID_TAGS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "param", "keygen",
})
_HTML_SPACES = re.compile(r"[ \t\n\r\f]+")
_PRE_SPACES = re.compile(r"[ \t\r\f]+")
_DATE_META = (
    "article:published_time", "og:published_time", "date", "dc.date", "dc.date.issued",
    "dcterms.date", "dcterms.issued", "dcterms.created", "pubdate", "publishdate",
    "publish-date", "publish_date", "datepublished", "sailthru.date", "parsely-pub-date",
)
_TIME_MAX_PARAGRAPH = 2  # a <time> after more paragraphs than this is not the release's date
_TITLE_SEPARATORS = (" | ", " — ", " – ", " - ", " :: ", " · ", " / ", " « ")


@dataclass
class _HtmlRaw:
    """What both HTML readers collect: metadata and paragraphs in page order."""

    title: str = ""
    og_title: str = ""
    h1: str = ""
    metas: dict[str, str] = field(default_factory=dict)
    json_ld: list[str] = field(default_factory=list)
    time: str = ""
    paragraphs: list[str] = field(default_factory=list)


class _Paragraphs:
    """Collects text into paragraphs; whitespace collapses, <pre> keeps its line breaks."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self._buf: list[str] = []

    def text(self, s: str, pre: bool = False) -> None:
        self._buf.append(_PRE_SPACES.sub(" ", s) if pre else _HTML_SPACES.sub(" ", s))

    def space(self) -> None:
        self._buf.append(" ")

    def brk(self) -> None:
        if self._buf:
            s = re.sub(r" *\n *", "\n", "".join(self._buf))
            s = re.sub(" {2,}", " ", s).strip()
            self._buf.clear()
            if not _is_blank(s):
                self.paragraphs.append(s)


def _element_skipped(tag: Tag, in_article: bool) -> bool:
    name = tag.name
    if name in _SKIP_TAGS or tag.has_attr("hidden"):
        return True
    role = tag.get("role")
    if isinstance(role, str) and role.lower() in _SKIP_ROLES:
        return True
    if not in_article and (
        name in _CHROME_TAGS or (isinstance(role, str) and role.lower() in _CHROME_ROLES)
    ):
        return True
    return False


def _soup_paragraphs(root: Tag, times: list[tuple[int, str]] | None = None) -> list[str]:
    """Paragraphs under `root`, walked with an explicit stack (pages nest arbitrarily deep).

    The first `<time>` outside skipped parts goes into `times` as (paragraphs before it, value).
    """
    out = _Paragraphs()
    in_article = root.name == "article" or root.find_parent("article") is not None
    # (node, inside an <article>, inside <pre>) or (None, closing tag name, ...)
    stack: list[tuple[Any, Any, bool]] = [(root, in_article, False)]
    while stack:
        node, state, pre = stack.pop()
        if node is None:
            if state in _CELL_TAGS:
                out.space()
            else:
                out.brk()
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA
                out.text(str(node), pre)
            continue
        if not isinstance(node, Tag) or (node is not root and _element_skipped(node, state)):
            continue
        name = node.name
        if name == "time" and times is not None and not times:
            value = node.get("datetime")
            value = value if isinstance(value, str) else node.get_text(" ")
            times.append((len(out.paragraphs), value))
        if name in _BLOCK_TAGS:
            out.brk()
            stack.append((None, name, pre))
        elif name in _CELL_TAGS:
            out.space()
            stack.append((None, name, pre))
        child_state = state or name == "article"
        child_pre = pre or name in ("pre", "textarea", "listing", "plaintext")
        stack.extend((child, child_state, child_pre) for child in reversed(node.contents))
    out.brk()
    return out.paragraphs


def _text_length(paragraphs: list[str]) -> int:
    return sum(map(len, paragraphs))


def _soup_extract(text: str) -> _HtmlRaw:
    soup = BeautifulSoup(text, "html.parser")
    raw = _HtmlRaw()
    for tag in soup.find_all("title"):
        if tag.find_parent("svg") is None:
            raw.title = tag.get_text()
            break
    for meta in soup.find_all("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if isinstance(key, str) and isinstance(content, str):
            raw.metas.setdefault(key.strip().lower(), content)
    for script in soup.find_all("script"):
        kind = script.get("type")
        if isinstance(kind, str) and "ld+json" in kind.lower():
            raw.json_ld.append(script.get_text())
    h1 = soup.find("h1")
    if h1 is not None:
        raw.h1 = h1.get_text(" ")

    body = soup.body or soup
    body_times: list[tuple[int, str]] = []
    full = _soup_paragraphs(body, body_times)
    # Prefer the article (the longest, if several) or <main>, unless it holds only a sliver of
    # the page's text, which means the page uses the tag for a teaser rather than its content.
    chosen, times = full, body_times
    candidates = list(soup.find_all("article"))
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    for group in (candidates, [main] if isinstance(main, Tag) else []):
        best: tuple[int, list[str], list[tuple[int, str]]] | None = None
        for tag in group:
            tag_times: list[tuple[int, str]] = []
            paras = _soup_paragraphs(tag, tag_times)
            length = _text_length(paras)
            if best is None or length > best[0]:
                best = (length, paras, tag_times)
        if best and best[0] and best[0] * 4 >= _text_length(full):
            chosen, times = best[1], best[2]
            break
    raw.paragraphs = chosen
    # A <time> dates the release only near the top of its text: one in a sidebar, the site's
    # header or deep in the body belongs to something else.
    for found in (times, body_times):
        if found and found[0][0] <= _TIME_MAX_PARAGRAPH:
            raw.time = found[0][1]
            break
    return raw


class _FlatHtml(HTMLParser):
    """A tree-less reader for pages too deeply nested for a parse tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.raw = _HtmlRaw()
        self.out = _Paragraphs()
        self._skip: list[str] = []
        self._article = 0
        self._pre = 0
        self._title: list[str] | None = None
        self._h1: list[str] | None = None
        self._json_ld: list[str] | None = None
        self._time = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = a.get("property") or a.get("name") or a.get("itemprop")
            if key and "content" in a:
                self.raw.metas.setdefault(key.strip().lower(), a["content"])
            return
        if tag == "title" and not self.raw.title and self._title is None:
            self._title = []
        if tag == "script" and "ld+json" in a.get("type", "").lower():
            self._json_ld = []
        if (tag == "time" and not self.raw.time and not self._skip
                and len(self.out.paragraphs) <= _TIME_MAX_PARAGRAPH):
            if a.get("datetime"):
                self.raw.time = a["datetime"]
            else:
                self._time = True
        if tag == "h1" and not self.raw.h1 and self._h1 is None:
            self._h1 = []
        if tag in _VOID_TAGS:
            if tag in ("br", "hr"):
                self.out.brk()
            return
        role = a.get("role", "").lower()
        if self._skip or tag in _SKIP_TAGS or "hidden" in a or role in _SKIP_ROLES or (
            not self._article and (tag in _CHROME_TAGS or role in _CHROME_ROLES)
        ):
            self._skip.append(tag)
            return
        if tag == "article":
            self._article += 1
        if tag == "pre":
            self._pre += 1
        if tag in _BLOCK_TAGS:
            self.out.brk()
        elif tag in _CELL_TAGS:
            self.out.space()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title is not None:
            self.raw.title, self._title = "".join(self._title), None
        if tag == "script" and self._json_ld is not None:
            self.raw.json_ld.append("".join(self._json_ld))
            self._json_ld = None
        if tag == "h1" and self._h1 is not None:
            self.raw.h1, self._h1 = " ".join(self._h1), None
        self._time = False
        if self._skip:
            if tag in self._skip:  # close up to the matching tag, tolerating unclosed ones
                while self._skip.pop() != tag:
                    pass
            return
        if tag == "article" and self._article:
            self._article -= 1
        if tag == "pre" and self._pre:
            self._pre -= 1
        if tag in _BLOCK_TAGS:
            self.out.brk()
        elif tag in _CELL_TAGS:
            self.out.space()

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
        if self._json_ld is not None:
            self._json_ld.append(data)
        if self._h1 is not None:
            self._h1.append(data)
        if self._time:
            self.raw.time += data
        if not self._skip:
            self.out.text(data, pre=self._pre > 0)

    def result(self) -> _HtmlRaw:
        self.close()
        self.out.brk()
        self.raw.paragraphs = self.out.paragraphs
        return self.raw


def _flat_extract(text: str) -> _HtmlRaw:
    parser = _FlatHtml()
    parser.feed(text)
    return parser.result()


def _json_ld_fields(blobs: list[str]) -> tuple[str | None, str | None]:
    """(datePublished, publisher name) from JSON-LD blocks, first found wins.

    Only the page's own objects count (top level, `@graph`, `mainEntity`), not the other
    articles a page lists inside them (an ItemList of news, `hasPart`, `relatedLink`).
    """
    date: str | None = None
    publisher: str | None = None
    for blob in blobs:
        try:
            stack: list[Any] = [json.loads(blob, strict=False)]
        except ValueError:
            continue
        while stack and (date is None or publisher is None):
            item = stack.pop(0)
            if isinstance(item, list):
                stack[:0] = item
                continue
            if not isinstance(item, dict):
                continue
            if date is None and isinstance(item.get("datePublished"), str):
                date = _parse_date(item["datePublished"])
            pub = item.get("publisher")
            if isinstance(pub, list) and pub:
                pub = pub[0]
            if isinstance(pub, dict):
                pub = pub.get("name")
            if publisher is None and isinstance(pub, str) and pub.strip():
                publisher = pub.strip()
            stack.extend(item[k] for k in ("@graph", "mainEntity") if k in item)
    return date, publisher


def _strip_site_name(title: str, site: str | None) -> str:
    if not site:
        return title
    for sep in _TITLE_SEPARATORS:
        tail = sep + site
        if len(title) > len(tail) and title.casefold().endswith(tail.casefold()):
            return title[: -len(tail)].rstrip()
    return title


def _parse_html(text: str) -> _Parts:
    try:
        raw = _soup_extract(text)
    except RecursionError:
        raw = _flat_extract(text)
    metas = raw.metas
    ld_date, ld_publisher = _json_ld_fields(raw.json_ld)
    site = _clean_title(metas.get("og:site_name", "")) or None
    source = site or ld_publisher or _clean_title(metas.get("publisher", "")) or None

    og_title = _clean_title(metas.get("og:title", ""))
    h1 = _clean_title(raw.h1)
    title = _strip_site_name(_clean_title(raw.title), site) or og_title or h1
    paragraphs = raw.paragraphs
    # The headline usually opens the content too; keep it only as the title.
    for i, para in enumerate(paragraphs[:3]):
        if any(_same_text(para, t) for t in (title, og_title)) or (
            _same_text(para, h1) and title.casefold().startswith(h1.casefold())
        ):
            paragraphs = paragraphs[:i] + paragraphs[i + 1 :]
            break
    if not title and paragraphs:
        title, whole = _short_title(paragraphs[0])
        if whole:
            paragraphs = paragraphs[1:]

    date = next((d for d in (_parse_date(metas.get(k)) for k in _DATE_META) if d), None)
    date = date or ld_date or _parse_date(raw.time)
    if date is None and paragraphs:
        date = _date_line(paragraphs[0])
    body = _MANY_NEWLINES.sub("\n\n", "\n\n".join(paragraphs))
    return _Parts(title=title, body=body, date=date, source=source)
