"""claimledger: war reporting in, a ledger of attributed claims out.

The public face: `extract`, `extract_many`, `Claim`, `Document`. Everything else lives in the
stage modules (sources, nlp, extract, normalize, store, reconcile, export, api, web).
"""

from __future__ import annotations

from claimledger.model import Claim, Document

__version__ = "0.1.0"
__all__ = ["Claim", "Document", "extract", "extract_many", "__version__"]


def __getattr__(name: str):  # lazy: importing the package must not load spaCy
    if name in ("extract", "extract_many", "extract_documents"):
        from claimledger import core

        return getattr(core, name)
    raise AttributeError(name)
