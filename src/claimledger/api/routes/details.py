"""One claim, one event (with who says what), one claim group (every report), one document
(text, revisions, claims with evidence offsets)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi import Path as FPath
from fastapi.responses import JSONResponse

from claimledger.api import deps
from claimledger.api.errors import ApiError
from claimledger.store import Ledger

router = APIRouter()
LedgerDep = Annotated[Ledger, Depends(deps.ledger)]
MAX_ID = 2**63 - 1  # larger ids cannot exist; refusing them keeps the database from an overflow


def found(row: dict[str, Any] | None, what: str, item_id: int) -> dict[str, Any]:
    """The row, or the 404 that names what was asked for."""
    if row is None:
        raise ApiError(404, f"no {what} {item_id}")
    return row


@router.get("/api/claims/{claim_id}", summary="One claim")
def get_claim(claim_id: Annotated[int, FPath(description="claim id (the `id` of a claim row)", ge=1, le=MAX_ID)],
              led: LedgerDep) -> JSONResponse:
    return deps.ok_json({"ok": True, "claim": found(led.get_claim(claim_id), "claim", claim_id)})


@router.get("/api/events/{event_id}", summary="One event with its competing claims (who says what)")
def get_event(event_id: Annotated[int, FPath(description="event id", ge=1, le=MAX_ID)], led: LedgerDep) -> JSONResponse:
    ev = found(led.get_event(event_id), "event", event_id)
    claims = ev.pop("claims", [])
    sides: dict[str, list[int]] = {}
    perpetrators: dict[str, list[int]] = {}  # competing attributions side by side, never resolved
    for c in claims:
        side = (c.get("claimant") or {}).get("side") or "(unattributed)"
        sides.setdefault(side, []).append(c["id"])
        perpetrators.setdefault((c.get("perpetrator") or {}).get("party") or "(not named)", []).append(c["id"])
    return deps.ok_json({"ok": True, "event": ev, "claims": claims,
                         "sides": [{"side": s, "claim_ids": ids} for s, ids in sides.items()],
                         "perpetrators": [{"perpetrator": p, "claim_ids": ids} for p, ids in perpetrators.items()]})


@router.get("/api/claim-groups/{group_id}", summary="One claim group with every report, original first")
def get_group(group_id: Annotated[int, FPath(description="claim group id (a claim row's `group_id`)", ge=1, le=MAX_ID)],
              led: LedgerDep) -> JSONResponse:
    g = found(led.get_group(group_id), "claim group", group_id)
    return deps.ok_json({"ok": True, "group": g, "reports": g.pop("reports", [])})


@router.get("/api/documents/{doc_id}", summary="One document: its text, revisions and claims (evidence offsets)")
def get_document(doc_id: Annotated[int, FPath(description="document id (a claim row's `document_id`)", ge=1, le=MAX_ID)],
                 led: LedgerDep) -> JSONResponse:
    d = found(led.get_document(doc_id), "document", doc_id)
    return deps.ok_json({"ok": True, "document": d, "claims": d.pop("claims", [])})
