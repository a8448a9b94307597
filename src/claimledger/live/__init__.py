"""Scaling out and staying live: parallel extraction on one machine (`parallel`), on a Dask
cluster (`cluster`), and following sources as they publish (`watch`).

Every path here goes through `service.ingest`: these modules only decide *where* documents are
extracted (the `extract` function handed to the service) and *when* an ingest runs; storing,
idempotency, failures, resume and reconcile stay the service's.
"""
