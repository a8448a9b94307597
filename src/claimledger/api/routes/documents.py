"""`POST /api/documents`: one document (its text, or a URL fetched by the SSRF-guarded client)
through the service layer into the ledger — the same path as the `ingest` command, failures
recorded in the `failures` table like any other run's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from claimledger import service
from claimledger.api import deps
from claimledger.api.errors import ApiError
from claimledger.api.security import token_matches
from claimledger.api.settings import ApiSettings
from claimledger.store import Ledger

router = APIRouter()


class DocumentIn(BaseModel):
    """A document to ingest: its text (and what is known about it), or only a URL to fetch."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str | None = Field(None, description="The document's text (plain text).")
    url: str | None = Field(None, max_length=2000,
                            description="Where the text comes from; alone, the page is fetched (http/https, "
                                        "public addresses only).")
    published: str | None = Field(None, max_length=40, description="Publication date (ISO).")
    title: str | None = Field(None, max_length=2000)
    speaker: str | None = Field(None, max_length=300, description="Who speaks, for addresses and statements.")
    source: str | None = Field(None, max_length=300, description="Outlet name.")
    id: str | None = Field(None, max_length=500, description="An input id (default: the URL or a text hash).")

    @model_validator(mode="after")
    def _text_or_url(self) -> DocumentIn:
        if not (self.text and self.text.strip()) and not self.url:
            raise ValueError("give 'text' or 'url'")
        return self


def require_token(request: Request) -> None:
    settings = deps.settings(request)
    if not settings.token:
        raise ApiError(403, "this server is read-only (no CLAIMLEDGER_TOKEN configured)")
    if not token_matches(request.headers.get("authorization"), settings.token):
        raise ApiError(401, "missing or wrong bearer token", {"WWW-Authenticate": "Bearer"})
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_doc_bytes + 100_000:
        raise ApiError(413, f"request body larger than {settings.max_doc_bytes} bytes")


@router.post("/api/documents", status_code=201, summary="Ingest one document (text, or a URL to fetch)",
             dependencies=[Depends(require_token)],
             responses={200: {"description": "already stored (nothing changed)"},
                        401: {"description": "missing or wrong bearer token"},
                        403: {"description": "server is read-only"},
                        422: {"description": "the document could not be read or fetched"}})
def post_document(doc_in: DocumentIn, request: Request, led: Annotated[Ledger, Depends(deps.ledger)],
                  settings: Annotated[ApiSettings, Depends(deps.settings)]) -> JSONResponse:
    results = service.submit(led, service.Submission(**doc_in.model_dump()), deps.http(request),
                             settings.max_doc_bytes)
    deps.counter(request).invalidate()  # this process's next reads see the new claims at once
    first = results[0]
    body = {"ok": True, "status": first.status, "document_id": first.document_id, "claims": first.claims,
            "document_url": f"/api/documents/{first.document_id}" if first.document_id else None}
    if len(results) > 1:  # a URL that serves a feed: one document per item
        body["documents"] = [{"status": r.status, "document_id": r.document_id, "claims": r.claims} for r in results]
    return deps.ok_json(body, status=200 if first.status == "skipped" else 201)
