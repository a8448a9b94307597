"""`GET /api/changes?since=VERSION`: the claims added since a version of the ledger, cursor-paged,
so that a client (or the dashboard's "N new claims") can follow a ledger that a watcher fills.

A version here is `v<N>`: N is the highest claim id the caller has seen (claim ids only grow, so
"added since" is an index range). Without `since` the answer is the current version and no
claims: the point to follow from.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from claimledger.api import deps
from claimledger.api.errors import ApiError
from claimledger.store import Filter, Ledger, QueryError

router = APIRouter()
LedgerDep = Annotated[Ledger, Depends(deps.ledger)]
_VERSION = re.compile(r"^v(\d{1,18})$")


def _claim_id(version: str) -> int:
    m = _VERSION.match(version.strip())
    if m is None:
        raise ApiError(400, f"since={version!r} is not a version of /api/changes (v<number>, as it returned)")
    return int(m.group(1))


def current_version(led: Ledger) -> str:
    page = led.query("claims", [], "-id", None, 1, with_total=False)
    return f"v{page.rows[0]['id'] if page.rows else 0}"


@router.get("/api/changes", summary="Claims added since a version (cursor-paged), and the current version")
def changes(led: LedgerDep,
            since: Annotated[str | None, Query(description="a `version` this endpoint returned before")] = None,
            size: Annotated[int, Query(alias="_size", ge=1, le=1000, description="claims per page")] = 100,
            next_: Annotated[str | None, Query(alias="_next", description="cursor of the next page")] = None,
            ) -> JSONResponse:
    version = current_version(led)
    if since is None:
        return deps.ok_json({"ok": True, "version": version, "since": None, "n_new": 0, "claims": [], "next": None})
    filters = [Filter("id", "gte", _claim_id(since) + 1)]
    try:
        page = led.query("claims", filters, "id", next_, size, with_total=True, count_cap=100_000)
    except QueryError as e:
        raise ApiError(400, str(e)) from None
    body: dict[str, Any] = {"ok": True, "version": version, "since": since, "n_new": page.total,
                            "claims": page.rows, "next": page.next_cursor}
    return deps.ok_json(body)
