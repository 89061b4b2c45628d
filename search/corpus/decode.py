"""Bytes to text: BOMs, UTF-8, UTF-16 without BOM, the Cyrillic code pages (scored by Russian
letter pairs), a page's own declaration; binary data is refused."""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from charset_normalizer import from_bytes

from ..caching import register
from ..errors import DocumentError

__all__ = ["BINARY", "UNKNOWN_ENCODING", "decode", "declared_charset", "normalise"]

BINARY = "not valid text (binary data)"
UNKNOWN_ENCODING = "not valid text (unknown encoding)"


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


def decode(data: bytes, declared: str | None = None) -> str:
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
        except (UnicodeError, LookupError):  # also "idna"-like codecs: not byte encodings
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


register("decoding features", _word_features)


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


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # Only the encodings web pages are written in: Python also knows "undefined" (which fails
    # on any byte), transforms such as rot13 and unicode_escape, and UTF-7. A declaration
    # readable as ASCII cannot be in UTF-16/32 either; browsers read such pages as UTF-8.
    return codec if codec in _WEB_ENCODINGS else None


# Python's names of the encodings of the WHATWG Encoding Standard (what browsers read).
_WEB_ENCODINGS = frozenset({
    "utf-8", "cp866", "koi8-r", "koi8-u", "mac-cyrillic", "mac-roman", "cp874",
    *(f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
    *(f"cp125{n}" for n in range(9)),
    "gbk", "gb2312", "gb18030", "big5", "big5hkscs", "euc_jp", "iso2022_jp", "shift_jis", "euc_kr",
})


def normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2029", "\n\n").replace("\u2028", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text

