"""Near-duplicate documents (wire copies) by MinHash over word shingles, with LSH lookup.

A document whose estimated Jaccard similarity to an earlier document is at least `THRESHOLD`
is linked to that document's root (the earliest published copy), so that a chain of copies
always points at one original and a claim's independent sources are counted once per root.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from claimledger.store.recon import DocSig

NUM_PERM = 64
SHINGLE = 5
THRESHOLD = 0.8
SCHEME = "affine32"
_WORD = re.compile(r"\w+", re.UNICODE)
_DTYPE = MinHash(num_perm=1, scheme=SCHEME).hashvalues.dtype


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


def _minhash(blob: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(blob, dtype=_DTYPE), scheme=SCHEME)


def link(docs: Sequence[DocSig], new_ids: set[int]) -> dict[int, tuple[int, float]]:
    """For each document in `new_ids`, the root document it copies and the similarity, if any.

    Candidates are other identities (a revision of the same URL is history, not a copy) published
    no later than the new document; among them the earliest wins.
    """
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    hashes: dict[int, MinHash] = {}
    by_id = {d.id: d for d in docs}
    for d in docs:
        if d.minhash is None:
            continue
        mh = _minhash(d.minhash)
        hashes[d.id] = mh
        lsh.insert(str(d.id), mh)
    out: dict[int, tuple[int, float]] = {}
    for did in sorted(new_ids, key=lambda i: (by_id[i].published or "9999", i) if i in by_id else ("", i)):
        if did not in by_id or did not in hashes:
            continue
        d = by_id[did]
        best: tuple[tuple[str, int], int, float] | None = None
        for key in lsh.query(hashes[did]):
            other = by_id[int(key)]
            if other.id == did or other.identity == d.identity:
                continue
            score = float(hashes[did].jaccard(hashes[other.id]))
            if score < THRESHOLD:
                continue
            order = (other.published or "9999", other.id)
            mine = (d.published or "9999", d.id)
            if order > mine:
                continue  # the other one is the copy; it gets linked when it is processed
            if best is None or order < best[0]:
                best = (order, other.id, score)
        if best is not None:
            root = best[1]
            seen = {did}
            while by_id[root].near_dup_of is not None and root not in seen:
                seen.add(root)
                root = by_id[root].near_dup_of or root
            out[did] = (root, best[2])
            d.near_dup_of = root
    return out
