"""Cumulative running totals ("over 38,000 since August") are kept apart from event counts.

A claim is a running total when its event time is a `period` (the extractor's mark for a span
such as "since February 24") or when its evidence uses running-total words ("in total", "to
date", "so far", "since the start", "as of"). Such claims become points in a per-claimant,
per-party time series (`tallies`) and never join an event.
"""

from __future__ import annotations

import re

from claimledger.reconcile.records import ClaimInfo

_RUNNING = re.compile(
    r"\b(in total|total(?:ly)? (?:of )?|to date|so far|since the (?:start|beginning)|since the full-scale|"
    r"as of|altogether|overall|cumulative|since (?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|24 february|february 24|\d{4}))\b", re.IGNORECASE)


def is_running_total(c: ClaimInfo) -> bool:
    if c.time_precision == "period":
        return True
    if c.time_precision in ("month", "year"):
        return bool(_RUNNING.search(c.evidence))
    return c.time_precision is None and bool(_RUNNING.search(c.evidence))
