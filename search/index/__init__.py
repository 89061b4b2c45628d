"""Documents → generations on disk, and snapshots of the live one for readers.

Writing: :func:`reindex` (search/index/build.py) with its writers (:mod:`.writers`), the schema
(:mod:`.schema`) and generations (:mod:`.generations`). Reading: :func:`open_index` gives an
:class:`IndexHandle` whose snapshots (:mod:`.snapshot`) read posting arrays (:mod:`.postings`,
from each segment's arrays file, :mod:`.arrays`) through thread-shared files (:mod:`.storage`);
:mod:`.vocabulary` reads the index's own words and :mod:`.sketches` the near-duplicate
sketches.
"""

from .build import Progress, ReindexReport, reindex
from .generations import FORMAT_VERSION, MANIFEST, current_generation
from .handle import IndexHandle, open_generation, open_index
from .sketches import Sketch, are_copies, is_copy, read_sketch, sketch
from .snapshot import POSITION_MASK, Snapshot
from .vocabulary import Strings, Vocabulary, prefix_range, read_vocabulary

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "POSITION_MASK",
    "IndexHandle",
    "Progress",
    "ReindexReport",
    "Sketch",
    "Snapshot",
    "Strings",
    "Vocabulary",
    "are_copies",
    "current_generation",
    "is_copy",
    "open_generation",
    "open_index",
    "prefix_range",
    "read_sketch",
    "read_vocabulary",
    "reindex",
    "sketch",
]
