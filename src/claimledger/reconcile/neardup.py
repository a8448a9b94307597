"""Near-duplicate documents (wire copies) by MinHash over word shingles, with LSH lookup.

A document whose estimated Jaccard similarity to an earlier document is at least `THRESHOLD`
is linked to that document's root (the earliest published copy), so that a chain of copies
always points at one original and a claim's independent sources are counted once per root.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from claimledger.reconcile.records import DocSig

NUM_PERM = 64
SHINGLE = 5
THRESHOLD = 0.8
SCHEME = "affine32"
_WORD = re.compile(r"\w+", re.UNICODE)
_DTYPE = MinHash(num_perm=1, scheme=SCHEME).hashvalues.dtype
_LSH = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
BANDS, ROWS = _LSH.b, _LSH.r  # the banding `link` uses: the stored band keys must be the same bands


def signature(text: str) -> bytes:
    """The MinHash signature of a text (bytes, stored with the document)."""
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE:
        shingles = [" ".join(words)] if words else [""]
    else:
        shingles = [" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    m.update_batch([s.encode("utf-8") for s in set(shingles)])
    return bytes(np.asarray(m.hashvalues, dtype=_DTYPE).tobytes())


def bands(blob: bytes) -> list[int]:
    """The signature's LSH band keys (signed 64-bit): two documents are near-duplicate candidates
    in `link` exactly when they share a band, so the store can find candidates by an index."""
    values = np.frombuffer(blob, dtype=_DTYPE)
    out = []
    for b in range(BANDS):
        digest = hashlib.blake2b(bytes([b]) + values[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8).digest()
        out.append(int.from_bytes(digest, "big", signed=True))
    return out


def _minhash(blob: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(blob, dtype=_DTYPE), scheme=SCHEME)


def link(docs: Sequence[DocSig], new_ids: set[int]) -> dict[int, tuple[int | None, float | None]]:
    """Near-duplicate links to change after documents `new_ids` arrived: {doc id: (root, score)}.

    A new document joins every family (a root and the copies linked to it) holding a document of
    another identity (a revision of the same URL is history, not a copy) that is at least
    `THRESHOLD` similar. The merged family's root is its earliest-published member, so a copy
    ingested before its original is re-linked once the original arrives.
    """
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    hashes: dict[int, MinHash] = {}
    by_id = {d.id: d for d in docs}
    children: dict[int, set[int]] = {}
    for d in docs:
        if d.near_dup_of is not None:
            children.setdefault(d.near_dup_of, set()).add(d.id)
        if d.minhash is None:
            continue
        mh = _minhash(d.minhash)
        hashes[d.id] = mh
        lsh.insert(str(d.id), mh)

    def root_of(i: int) -> int:
        seen = {i}
        while by_id[i].near_dup_of is not None and by_id[i].near_dup_of in by_id and by_id[i].near_dup_of not in seen:
            i = by_id[i].near_dup_of or i
            seen.add(i)
        return i

    def order(i: int) -> tuple[str, int]:
        return (by_id[i].published or "9999", i)

    out: dict[int, tuple[int | None, float | None]] = {}
    for did in sorted((i for i in new_ids if i in by_id and i in hashes), key=order):
        d = by_id[did]
        matches = [int(k) for k in lsh.query(hashes[did])]
        matches = [m for m in matches if m != did and by_id[m].identity != d.identity
                   and float(hashes[did].jaccard(hashes[m])) >= THRESHOLD]
        if not matches:
            continue
        family: set[int] = set()
        for r in {root_of(m) for m in matches} | {root_of(did)}:
            family.add(r)
            family |= children.get(r, set())
        root = min(family, key=order)
        for member in family:
            want: int | None = None if member == root else root
            if by_id[member].near_dup_of != want:
                score = None if want is None or member not in hashes or root not in hashes else float(
                    hashes[member].jaccard(hashes[root]))
                old = by_id[member].near_dup_of
                if old is not None:
                    children.get(old, set()).discard(member)
                by_id[member].near_dup_of = want
                if want is not None:
                    children.setdefault(want, set()).add(member)
                out[member] = (want, score)
    return out
