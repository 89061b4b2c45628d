"""Whoosh writers for a reindex: one process for a few documents, one per core for many, each
made to fail cleanly; how small segments are folded together; and how postings are gathered
and written (in memory, a term at a time, instead of Whoosh's sorted runs of tuples).
"""

from __future__ import annotations

import math
import operator
import os
import pickle
import struct
import threading
import time
import zlib
from array import array
from collections.abc import Callable, Iterator
from itertools import accumulate
from queue import Full
from typing import Any

import numpy as np
from whoosh import formats
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from ..analysis import is_lemma_analyzer, lemma_positions, morph
from ..errors import ReindexError
from .arrays import EXTENSION, PostingArraysWriter, narrow_weights
from .postings import all_postings
from .schema import Codec

__all__ = [
    "MAX_MERGED_DOCS", "MAX_WRITERS", "MERGE_FACTOR", "PARALLEL_FROM", "SMALL_SEGMENT_DOCS",
    "WRITER_LIMIT_MB", "merge_small",
    "open_writer",
]

# Postings a writer process holds before it writes them out as a segment and starts another:
# bounds memory on big corpora (each segment is one more pass per query). At 192 MB, 9,544
# articles (97 MB of text) make one segment per writer, the build's processes peaking at
# about 1 GB together on two cores.
WRITER_LIMIT_MB = 192
PARALLEL_FROM = 200  # documents to index before writer processes pay off
MAX_WRITERS = 4  # one writer process per core, up to this many (each writes a segment)
SMALL_BLOCK = 128  # bytes of a block of postings below which it is not compressed
_INT = struct.Struct("!i")  # Whoosh's StructFile.write_int
_TERM_INFO = W3TermInfo._struct  # flags, weight, documents, lengths, max weight, first/last id
_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # before each entry of Whoosh's hash files
# Each incremental run writes a segment (a set of open files, one more pass per query); the
# small ones are folded together at each commit. Merging copies ~30 long articles a second,
# so only segments this small are: a few changed releases stay a quick reindex.
SMALL_SEGMENT_DOCS = 50
# The segments that outgrow that still pile up (a scheduled fetch adds one every few runs):
# once MERGE_FACTOR of them are of one size class (50-499 documents, 500-4,999), they are
# folded into one, so their number grows with the logarithm of the runs. Segments of
# MAX_MERGED_DOCS or more (a full build's) are left to `reindex --full`.
MERGE_FACTOR = 10
MAX_MERGED_DOCS = 5_000


def open_writer(ix: Any, documents: int) -> SegmentWriter:
    """A writer for `documents` new documents. Segments are written as separate files
    (compound=False): a reader of a compound segment copies each of its parts into memory."""
    if documents >= PARALLEL_FROM:
        morph()  # load the dictionaries once, before the writer processes fork
        procs = max(1, min(MAX_WRITERS, os.cpu_count() or 1))
        return _ParallelWriter(
            ix, procs=procs, multisegment=True, limitmb=WRITER_LIMIT_MB, codec=Codec(),
            compound=False,
        )
    return _SegmentWriter(ix, codec=Codec(), compound=False)


def merge_small(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: fold into the new segment the small segments, and the segments
    of a size class that holds MERGE_FACTOR of them; return the segments kept as they are.
    (Whoosh's own MERGE_SMALL lets every incremental run add a segment of its own.) Documents
    deleted from the segments kept stay there until `reindex --full`."""
    folded = {id(seg) for seg in segments if seg.doc_count_all() < SMALL_SEGMENT_DOCS}
    classes: dict[int, list[Any]] = {}
    for seg in segments:
        size = seg.doc_count_all()
        if SMALL_SEGMENT_DOCS <= size < MAX_MERGED_DOCS:
            # 0: 50-499 documents, 1: 500-4,999
            classes.setdefault(int(math.log10(size / SMALL_SEGMENT_DOCS)), []).append(seg)
    for members in classes.values():
        if len(members) >= MERGE_FACTOR:
            folded.update(id(seg) for seg in members)
    kept = []
    for seg in segments:
        if id(seg) in folded:
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(seg)
    return kept


# A term's postings in document order: (term bytes, document numbers, weights, values).
_TermPostings = tuple[bytes, list[int], list[float], list[bytes]]


class _PostingsInMemory:
    """A segment's postings as they are added, numbered by term, in flat arrays: it stands in
    for Whoosh's PostingPool, which makes a tuple of every posting, sorts them all, spills
    sorted runs to disk and merges them back (a third of a build's time). Here only the terms
    are sorted, once, and each term's postings are written as whole blocks (`_write_postings`):
    the segment holds the very same postings. A writer process starts a new segment when
    `size` (an estimate of the memory held, in bytes) passes its limit."""

    _TERM_COST = 120  # a term's dict entry and key, beside its text
    _POSTING_COST = 16  # term number, document number, weight, where its value ends

    def __init__(self) -> None:
        self.size = 0
        self._terms: dict[str, dict[bytes, int]] = {}
        self._count = 0  # terms so far, of all fields
        self._term = array("I")
        self._doc = array("I")
        self._weight = array("f")  # as the postings file keeps them
        # the values (positions) one after another, and where each posting's ends: a bytes
        # object per posting would cost 33 bytes beside its few bytes of content
        self._values = bytearray()
        self._value_ends = array("I")  # (a segment holds far less than 4 GB of positions)

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting: (field name, term bytes, document number, weight, value bytes), as
        Whoosh's merging hands them over."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_document_field(fieldname, docnum, ((tbytes, 0, weight, vbytes),), 1.0, False)

    def add_term(self, fieldname: str, tbytes: bytes, docs: list[int], weights: list[float],
                 values: list[bytes | None]) -> None:
        """A term's postings in a segment being merged in, documents ascending."""
        terms = self._terms.setdefault(fieldname, {})
        number = terms.get(tbytes)
        if number is None:
            number = terms[tbytes] = self._count
            self._count += 1
            self.size += self._TERM_COST + len(tbytes)
        self._term.extend([number] * len(docs))
        self._doc.extend(docs)
        self._weight.extend(weights)
        held, ends = self._values, self._value_ends
        for vbytes in values:
            if vbytes:
                held += vbytes
                self.size += len(vbytes)
            ends.append(len(held))
        self.size += self._POSTING_COST * len(docs)

    def add_document_field(self, fieldname: str, docnum: int, items: Any, boost: float,
                           scorable: bool) -> int:
        """A document's postings in one field, as (term bytes, frequency, weight, value)
        items; returns the field's length (the sum of frequencies when it is scorable)."""
        terms = self._terms.get(fieldname)
        if terms is None:
            terms = self._terms[fieldname] = {}
        length = size = 0
        term_numbers, doc_numbers = self._term, self._doc
        weights, values, value_ends = self._weight, self._values, self._value_ends
        for tbytes, freq, weight, vbytes in items:
            number = terms.get(tbytes)
            if number is None:
                number = terms[tbytes] = self._count
                self._count += 1
                size += self._TERM_COST + len(tbytes)
            term_numbers.append(number)
            doc_numbers.append(docnum)
            weights.append(weight * boost)
            length += freq
            if vbytes:
                values += vbytes
                size += len(vbytes)
            value_ends.append(len(values))
            size += self._POSTING_COST
        self.size += size
        return length if scorable else 0

    def __len__(self) -> int:
        return len(self._doc)

    @property
    def terms(self) -> int:
        return self._count

    def weights(self) -> np.ndarray:
        return np.frombuffer(self._weight, dtype=np.float32)

    def sorted_postings(self) -> Iterator[tuple[str, Iterator[_TermPostings]]]:
        """Per field in name order, its terms in byte order, each with its postings in
        document order: (term bytes, document numbers, weights, values). Read once, in that
        order, to write the segment: the term table is let go of as it starts."""
        # number the terms in the order they are written, so that their postings, sorted,
        # are read front to back, a chunk at a time
        written = [(name, sorted(self._terms[name])) for name in sorted(self._terms)]
        rank = np.zeros(self._count, dtype=np.uint32)
        n = 0
        for name, terms in written:
            numbers = self._terms[name]
            rank[[numbers[t] for t in terms]] = np.arange(n, n + len(terms), dtype=np.uint32)
            n += len(terms)
        keys = rank[np.frombuffer(self._term, dtype=np.uint32)]
        self._term, self._terms = array("I"), {}  # not needed any more: their memory goes back
        doc = np.frombuffer(self._doc, dtype=np.uint32)
        # by term as written, then document (a segment holds far fewer than 2**32 postings)
        order = np.lexsort((doc, keys)).astype(np.uint32)
        bounds = np.zeros(self._count + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=self._count), out=bounds[1:])
        del keys
        chunks = self._chunks(order, bounds)  # (the fields' terms are read in turn)
        for name, terms in written:
            yield name, ((tbytes, *next(chunks)) for tbytes in terms)

    _CHUNK = 1 << 16  # postings gathered at once (sorted copies of them all would double
    # a writer's memory at the end of a segment)

    def _chunks(self, order: np.ndarray, bounds: np.ndarray
                ) -> Iterator[tuple[list[int], list[float], list[bytes]]]:
        """Each term's postings in turn, as (document numbers, weights, values) lists."""
        doc = np.frombuffer(self._doc, dtype=np.uint32)
        weights = np.frombuffer(self._weight, dtype=np.float32)
        value_ends = np.frombuffer(self._value_ends, dtype=np.uint32)
        buffer = memoryview(self._values)
        starts = bounds.tolist()
        term = 0
        while term < len(starts) - 1:
            # whole terms, about _CHUNK postings (at least one term)
            last = max(term + 1, int(np.searchsorted(bounds, starts[term] + self._CHUNK)) - 1)
            a, b = starts[term], starts[last]
            postings = order[a:b].astype(np.int64)
            docs, ws = doc[postings].tolist(), weights[postings].tolist()
            ends = value_ends[postings]
            begins = np.where(postings > 0, value_ends[postings - 1], 0)  # the one before
            spans = zip(begins.tolist(), ends.tolist(), strict=True)
            values = [bytes(buffer[i:j]) for i, j in spans]
            for t in range(term, last):
                i, j = starts[t] - a, starts[t + 1] - a
                yield docs[i:j], ws[i:j], values[i:j]
            term = last

    def cleanup(self) -> None:
        self.__init__()  # type: ignore[misc]


def _write_postings(fieldwriter: Any, schema: Any, lengths: Any, doccount: int,
                    pool: _PostingsInMemory, arrays: PostingArraysWriter | None) -> None:
    """Whoosh's FieldWriter.add_postings for a whole pool, with W3FieldWriter's term steps
    taken here: each term's postings are encoded whole (`_TermEncoder`) instead of one call
    per posting, and the files' offsets are counted instead of asked for (a system call each
    time). Each term's document numbers, weights and positions also go to the segment's
    posting `arrays` (search/index/arrays.py)."""
    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex
    tindex.dbfile.file = _CountedFile(tindex.dbfile.file)  # (asked once a term)
    for fieldname, terms in pool.sorted_postings():
        # Whoosh reads a posting's field length byte back as a length; 0 or None do not count
        # in a block's minimum and maximum.
        field_lengths = [
            (lengths.doc_field_length(d, fieldname) or 0) if lengths else 0
            for d in range(doccount)
        ]
        fieldobj = schema[fieldname]
        decode = _positions_decoder(fieldobj.format) if arrays is not None else None
        fieldwriter.start_field(fieldname, fieldobj)
        postwriter = fieldwriter._postwriter
        encode = _TermEncoder(field_lengths, fieldobj.format.fixed_value_size(),
                              postwriter._blocklimit, postwriter._compression)
        field_id = pack_ushort(fieldwriter._fieldid)
        offset = postfile.tell()
        for tbytes, docs, weights, values in terms:
            blocks, entry = encode(docs, weights, values, offset)
            postfile.write(blocks)
            offset += len(blocks)
            if arrays is not None:
                positions = None if decode is None else [decode(v) for v in values]
                arrays.add(fieldname, tbytes, docs, weights, positions)
            _add_term(tindex, field_id + tbytes, entry)
        if offset != postfile.tell():
            raise ReindexError(f"postings of {fieldname} miscounted")
        fieldwriter.finish_field()


class _CountedFile:
    """A file being written that tells its offset by counting the bytes written through it
    (a buffered file asks the system each time)."""

    def __init__(self, file: Any) -> None:
        self._file = file
        self._offset = file.tell()

    def write(self, data: Any) -> int:
        written = self._file.write(data)
        self._offset += written
        return written

    def tell(self) -> int:
        return self._offset

    def seek(self, *args: Any) -> int:
        self._offset = self._file.seek(*args)
        return self._offset

    def __getattr__(self, name: str) -> Any:  # (flush, close, fileno, …)
        return getattr(self._file, name)


def _add_term(tindex: OrderedHashWriter, key: bytes, value: bytes) -> None:
    """OrderedHashWriter.add in one write (it makes three, each through the file's wrapper)."""
    if key <= tindex.lastkey:
        raise ValueError(f"terms must increase: {tindex.lastkey!r}..{key!r}")
    dbfile = tindex.dbfile
    offset = dbfile.tell()
    tindex.index.append(offset)
    dbfile.write(b"".join((_KEY_VALUE_LENGTHS.pack(len(key), len(value)), key, value)))
    h = tindex.hashfn(key)
    tindex.buckets[h & 255].append((h, offset))
    tindex.lastkey = key


def _positions_decoder(fmt: Any) -> Callable[[bytes], list[int]] | None:
    """How to read a posting's positions from its value; None for a field without them."""
    if type(fmt) is formats.Positions:
        # Whoosh's own encoding (formats.Positions.encode): a count, then the gaps pickled
        def decode(value: bytes) -> list[int]:
            gaps = value[_INT.size:]
            return list(accumulate(pickle.loads(gaps if gaps[-1:] == b"." else gaps + b".")))

        return decode
    return fmt.decode_positions if fmt.supports("positions") else None


class _TermEncoder:
    """A term's postings as Whoosh's W3 codec writes them (W3PostingsWriter's blocks of at
    most `limit` postings, each pickled, compressed when long) and its entry in the term index
    (W3TermInfo's bytes): the same bytes, made without a postings writer's per-block calls.
    A block of less than SMALL_BLOCK bytes is stored uncompressed (as Whoosh meant to: its
    reader reads either): zlib costs more than it saves on the few dozen bytes of most
    terms' postings. (Whoosh inlines a term's postings in its entry below `inlinelimit`
    postings: never with the codec's limit of 1.)"""

    def __init__(self, field_lengths: list[int], fixed_size: int | None, limit: int,
                 compression: int) -> None:
        self.field_lengths = field_lengths  # per document; 0: not counted
        self.fixed_size = fixed_size  # of the field format's values
        self.limit = limit
        self.compression = compression

    def __call__(self, ids: list[int], weights: list[float], values: list[bytes], offset: int
                 ) -> tuple[bytes, bytes]:
        """The bytes of a term's blocks, and its term index entry (its postings to be written
        at `offset` of the postings file)."""
        parts = [WHOOSH3_HEADER_MAGIC]
        total_weight: float = 0
        min_length: int | None = None
        max_length = 0
        max_weight: float = 0
        for a in range(0, len(ids), self.limit):
            block_ids = ids[a : a + self.limit]
            block_weights = weights[a : a + self.limit]
            counted = [n for n in map(self.field_lengths.__getitem__, block_ids) if n]
            shortest = min(counted) if counted else None
            longest = max(counted) if counted else 0
            heaviest = max(0, *block_weights)
            total_weight += sum(block_weights)
            if shortest is not None:
                min_length = shortest if min_length is None else min(min_length, shortest)
            max_length = max(max_length, longest)
            max_weight = max(max_weight, heaviest)
            gaps = (block_ids[0], *map(operator.sub, block_ids[1:], block_ids[:-1]))
            data = pickle.dumps((gaps, _mini_weights(block_weights),
                                 self._mini_values(values[a : a + self.limit])), 2)
            comp = self.compression if len(data) >= SMALL_BLOCK else 0
            if comp:
                data = zlib.compress(data, comp)
            info = pickle.dumps((len(block_ids), block_ids[-1], heaviest, comp,
                                 length_to_byte(shortest), length_to_byte(longest)), 2)
            last = a + self.limit >= len(ids)
            size = len(info) + len(data)
            parts += (_INT.pack(-size if last else size), info, data)
        blocks = b"".join(parts)
        entry = b"".join((
            _TERM_INFO.pack(False, total_weight, len(ids),
                            0 if min_length is None else length_to_byte(min_length),
                            length_to_byte(max_length), max_weight, ids[0], ids[-1]),
            pack_long(offset), pack_int(len(blocks)),
        ))
        return blocks, entry

    def _mini_values(self, values: list[bytes]) -> Any:
        kept = [v for v in values if v]
        if self.fixed_size is None or self.fixed_size < 0:
            return tuple(kept)
        return None if self.fixed_size == 0 else b"".join(kept)


def _mini_weights(weights: list[float]) -> Any:
    """W3PostingsWriter._mini_weights: none when all are 1, one when all are equal."""
    if all(w == 1.0 for w in weights):
        return None
    if all(w == weights[0] for w in weights):
        return weights[0]
    return tuple(weights)


class _InMemoryPostings(SegmentWriter):
    """A segment writer with postings held by `_PostingsInMemory` (Whoosh's writer classes
    take no pool class), that hands the pool a document's postings field by field, and finds
    the lemma fields' terms in one pass (analysis.lemma_positions)."""

    pool: _PostingsInMemory

    def add_postings_to_pool(self, reader: Any, startdoc: int, docmap: Any) -> None:
        """Whoosh's, for merging a segment in: its terms in the order of its term table, each
        term's postings read a block at a time from the term info found there. (Whoosh's
        looks every term up again and reads posting by posting: merging went at about 20
        releases a second.) `docmap` maps the live documents when some are deleted."""
        terms = reader._terms  # Whoosh 2.7's W3TermsReader
        for (fieldname, tbytes), terminfo in terms.items():
            if fieldname not in self.schema:
                continue
            matcher = terms._codec.postings_reader(
                terms._postfile, terminfo, reader.schema[fieldname].format,
                term=(fieldname, tbytes),
            )
            docs, weights, values = all_postings(matcher)
            if docmap is not None:
                live = [i for i, d in enumerate(docs) if d in docmap]
                docs = [docmap[docs[i]] for i in live]
                weights, values = [weights[i] for i in live], [values[i] for i in live]
            else:
                docs = [startdoc + d for d in docs]
            if docs:
                self.pool.add_term(fieldname, tbytes, docs, weights, values)

    def add_document(self, **fields: Any) -> None:
        """Whoosh's SegmentWriter.add_document, less its per-posting calls."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    items = _field_items(field, value)
                    length = self.pool.add_document_field(
                        fieldname, docnum, items, boost, field.scorable
                    )
                if field.separate_spelling() or field.vector:
                    raise NotImplementedError("spelling fields and term vectors")
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(
                    fieldname, field, customval if field.stored else None, length
                )
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(
                        fieldname, column, field.to_column_value(customval)
                    )
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        arrays = None
        if isinstance(self.storage, FileStorage):  # (not an index held in memory)
            path = os.path.join(self.storage.folder, self.newsegment.make_filename(EXTENSION))
            pool = self.pool
            arrays = PostingArraysWriter(
                path, pool.terms, len(pool), self.docnum, narrow_weights(pool.weights())
            )
        try:
            _write_postings(self.fieldwriter, self.schema, lengths, self.docnum, self.pool,
                            arrays)
        except BaseException:
            if arrays is not None:
                arrays.cancel()
            raise
        if arrays is not None:
            arrays.close()
        self.fieldwriter.close()
        if lengths:
            lengths.close()


def _field_items(field: Any, value: Any) -> Any:
    """What `field.index(value)` gives: (term bytes, frequency, weight, value) items."""
    lemmas = type(field.format) is formats.Positions and is_lemma_analyzer(field.analyzer)
    if lemmas and isinstance(value, str):
        fb, encode = field.format.field_boost, field.format.encode
        return [
            (term.encode("utf-8"), len(poses), float(len(poses)) * fb, encode(poses))
            for term, poses in lemma_positions(value).items()
        ]
    return field.index(value)


class _SegmentWriter(_InMemoryPostings):
    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = _PostingsInMemory()


class _WriterTask(SubWriterTask):
    """A writer process that exits when its parent dies (even by kill -9), instead of
    lingering with the index folder's files open, and that reports a failed write by its
    exit code (the errno) rather than a traceback. Its postings are held in memory
    (`_PostingsInMemory`): past WRITER_LIMIT_MB it writes a segment and starts another."""

    def run(self) -> None:
        parent = os.getppid()

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
        try:
            self._write()
        except OSError as e:
            os._exit(e.errno if e.errno and e.errno < 126 else 1)
        except BaseException:
            os._exit(1)


    def _write(self) -> None:
        """Whoosh's SubWriterTask.run (multisegment), with segments of bounded size."""
        assert self.multisegment
        ix = self.storage.open_index(self.indexname)
        limit = self.kwargs.get("limitmb", WRITER_LIMIT_MB) * 1024 * 1024
        kwargs = {k: v for k, v in self.kwargs.items() if k != "limitmb"}
        segments = []
        self.writer = _SegmentWriter(ix, _lk=False, **kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            filename, count = job
            temp = self.writer.temp_storage()
            with temp.open_file(filename).raw_file() as f:
                for _ in range(count):
                    _code, fields = pickle.load(f)
                    self.writer.add_document(**fields)
                    if self.writer.pool.size > limit:
                        segments.append(self.writer._finalize_segment())
                        self.writer = _SegmentWriter(ix, _lk=False, **kwargs)
            temp.delete_file(filename)
        if not self.running:
            self.writer.cancel()
            return
        if self.writer.docnum:
            segments.append(self.writer._finalize_segment())
        else:
            self.writer._close_segment()
        self.resultqueue.put(segments, timeout=5)


class _ParallelWriter(MpWriter, _InMemoryPostings):
    """Whoosh's multi-process writer (one segment per process), made to fail cleanly: a
    writer process that dies stops the run with an error instead of leaving the parent
    waiting on a full job queue, and cancelling stops the processes."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = _PostingsInMemory()
        self.jobqueue: Any = _WatchedQueue(self.jobqueue, self.tasks)

    def _new_task(self) -> SubWriterTask:
        task = _WriterTask(
            self.storage, self.indexname, self.jobqueue.queue, self.resultqueue,
            self.subargs, self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task

    def commit(self, *args: Any, **kwargs: Any) -> None:
        super().commit(*args, **kwargs)
        self.jobqueue.check()

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        """MpWriter._commit (multisegment) for writer processes that hand back a list of
        segments each."""
        if self.docbuffer:
            self._enqueue()
        for _task in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        for task in self.tasks:
            task.join()
        self.jobqueue.check()  # a process that died hands back nothing
        for _task in self.tasks:
            finalsegments += self.resultqueue.get(timeout=5)
        if self._added:  # small segments merged here (merge_small)
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join(timeout=5)
            if task.is_alive():
                task.kill()
                task.join(timeout=5)
        SegmentWriter.cancel(self)


class _WatchedQueue:
    """The job queue of the writer processes, that gives up once one of them has died."""

    def __init__(self, queue: Any, tasks: list[Any]) -> None:
        self.queue = queue
        self.tasks = tasks

    def put(self, item: Any) -> None:
        while True:
            try:
                self.queue.put(item, timeout=0.2)
                return
            except Full:
                self.check()

    def check(self) -> None:
        for task in self.tasks:
            code = task.exitcode
            if code not in (None, 0):
                if code > 0:  # the errno of a failed write (see _WriterTask)
                    raise OSError(code, os.strerror(code))
                raise ReindexError(f"a writer process was stopped by signal {-code}")
