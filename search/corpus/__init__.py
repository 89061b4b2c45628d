"""Files → documents: list a corpus folder (:mod:`.scan`), decode bytes (:mod:`.decode`), read
each format (:mod:`.plain`, :mod:`.html`), find dates (:mod:`.dates`), name agencies
(:mod:`.agencies`); :func:`load_document` ties them together."""

from .agencies import Source, resolve_source, sources_fingerprint
from .document import MAX_FILE_BYTES, Document, content_hash, load_document
from .provenance import SIDECAR_SUFFIX, Provenance, read_provenance
from .scan import SUPPORTED_SUFFIXES, CorpusScan, default_corpus, scan_corpus

__all__ = [
    "MAX_FILE_BYTES",
    "SIDECAR_SUFFIX",
    "SUPPORTED_SUFFIXES",
    "CorpusScan",
    "Document",
    "Provenance",
    "Source",
    "content_hash",
    "default_corpus",
    "load_document",
    "read_provenance",
    "resolve_source",
    "scan_corpus",
    "sources_fingerprint",
]
