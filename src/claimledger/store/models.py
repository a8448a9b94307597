"""SQLAlchemy 2 models of the ledger.

Claims keep the full contract JSON (`data`) plus flattened copies of the fields analysts filter on,
so that filters hit indexes and rows come back in the contract shape without re-assembly.
Schema changes go through Alembic (`store/migrations/versions`), never `create_all`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class IngestRun(Base):
    """One `ingest` invocation; `--resume` continues the latest unfinished one with the same sources."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sources_key: Mapped[str] = mapped_column(String(64), index=True)
    sources: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running, done, interrupted
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    n_processed: Mapped[int] = mapped_column(Integer, default=0)
    n_stored: Mapped[int] = mapped_column(Integer, default=0)
    n_skipped: Mapped[int] = mapped_column(Integer, default=0)
    n_failed: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[str] = mapped_column(String(32))
    config_hash: Mapped[str] = mapped_column(String(64))


class Failure(Base):
    __tablename__ = "failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id", ondelete="CASCADE"), index=True)
    input: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DocumentRow(Base):
    """A stored document revision. `identity` is the URL (or the input id when there is none);
    a changed text at the same identity is a new row with `revision`+1 and `supersedes_id`."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("identity", "sha256", name="uq_documents_identity_sha"),
        Index("ix_documents_identity_latest", "identity", "is_latest"),
        Index("ix_documents_outlet_published", "outlet", "published"),
        # exactly the documents reconcile has not signed yet, so finding them reads no other row
        Index("ix_documents_unsigned", "id", sqlite_where=text("minhash IS NULL"),
              postgresql_where=text("minhash IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity: Mapped[str] = mapped_column(String(1000))
    doc_key: Mapped[str] = mapped_column(String(500), index=True)
    outlet: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(Text)
    speaker: Mapped[str | None] = mapped_column(String(300))
    published: Mapped[str | None] = mapped_column(String(40), index=True)
    published_precision: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    n_chars: Mapped[int] = mapped_column(Integer, default=0)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True)
    near_dup_of: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    near_dup_score: Mapped[float | None] = mapped_column(Float)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    n_claims: Mapped[int] = mapped_column(Integer, default=0)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id", ondelete="SET NULL"), index=True)
    meta: Mapped[Any] = mapped_column(JSON, default=dict)


class ClaimRow(Base):
    """One claim of one document revision: the contract JSON plus filterable columns."""

    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("document_id", "ordinal", name="uq_claims_document_ordinal"),
        Index("ix_claims_date_id", "date", "id"),
        # equality filter column(s), then `current` (the default filter), then the ORDER BY column:
        # a page walks one index in order and stops; a count never touches the table
        Index("ix_claims_kind_party_cur_date", "kind", "victim_party", "current", "date"),
        Index("ix_claims_side_cur_date", "claimant_side", "current", "date"),
        Index("ix_claims_kind_cur_date", "kind", "current", "date"),
        Index("ix_claims_party_cur_date", "victim_party", "current", "date"),
        Index("ix_claims_admin1_cur_date", "admin1", "current", "date"),
        Index("ix_claims_cur_date", "current", "date"),
        Index("ix_claims_lat_lon", "lat", "lon"),
        Index("ix_claims_quantity", "quantity"),
        # exactly the claims reconcile has still to process: however large the ledger, finding them
        # reads these rows only (a full (current, reconciled) index looked useless to SQLite's
        # planner, whose statistics see one value, so it scanned a million claims instead)
        Index("ix_claims_unreconciled", "current", "id", sqlite_where=text("reconciled IS 0"),
              postgresql_where=text("reconciled IS false")),
        Index("ix_claims_perp_cur_date", "perpetrator_party", "current", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    doc_key: Mapped[str | None] = mapped_column(String(500))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    reconciled: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(32))
    victim_party: Mapped[str | None] = mapped_column(String(120))
    victim_type: Mapped[str | None] = mapped_column(String(16))
    victim_item: Mapped[str | None] = mapped_column(String(32))
    quantity_low: Mapped[int | None] = mapped_column(Integer)
    quantity_high: Mapped[int | None] = mapped_column(Integer)
    quantity: Mapped[int | None] = mapped_column(Integer)  # the larger known bound, for "minimum quantity"
    qualifier: Mapped[str | None] = mapped_column(String(16))
    claimant_name: Mapped[str | None] = mapped_column(String(300))
    claimant_side: Mapped[str | None] = mapped_column(String(120))
    perpetrator_party: Mapped[str | None] = mapped_column(String(120))  # who the text says caused the loss
    perpetrator_text: Mapped[str | None] = mapped_column(String(300))  # as written; None when inferred
    stance: Mapped[str] = mapped_column(String(16))
    means: Mapped[str] = mapped_column(String(200), default="")  # ",drone,artillery," for contains
    place: Mapped[str | None] = mapped_column(String(300))
    admin1: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(8))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[str | None] = mapped_column(String(16))
    time_precision: Mapped[str | None] = mapped_column(String(16))
    date_start: Mapped[str | None] = mapped_column(String(10))
    date: Mapped[str | None] = mapped_column(String(10))  # event end, else stated; None when undated
    stated: Mapped[str | None] = mapped_column(String(10), index=True)  # stated_on, else published, else None
    stated_on: Mapped[str | None] = mapped_column(String(10))
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    evidence: Mapped[str] = mapped_column(Text, default="")
    is_tally: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    group_key: Mapped[str] = mapped_column(String(64), default="", index=True)  # side|kind|party|low|high
    group_id: Mapped[int | None] = mapped_column(ForeignKey("claim_groups.id", ondelete="SET NULL"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    data: Mapped[Any] = mapped_column(JSON)
    visible_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # when it was committed


class ClaimGroup(Base):
    """The same claim reported by several documents; members ranked earliest (original) first."""

    __tablename__ = "claim_groups"
    __table_args__ = (Index("ix_claim_groups_key_first", "key", "first_stated"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    victim_party: Mapped[str | None] = mapped_column(String(120), index=True)
    claimant_side: Mapped[str | None] = mapped_column(String(120), index=True)
    quantity_low: Mapped[int | None] = mapped_column(Integer)
    quantity_high: Mapped[int | None] = mapped_column(Integer)
    first_stated: Mapped[str | None] = mapped_column(String(10), index=True)  # None: undated claims
    last_stated: Mapped[str | None] = mapped_column(String(10))
    original_claim_id: Mapped[int | None] = mapped_column(Integer)
    original_document_id: Mapped[int | None] = mapped_column(Integer)
    n_reports: Mapped[int] = mapped_column(Integer, default=0)
    n_independent: Mapped[int] = mapped_column(Integer, default=0)
    n_outlets: Mapped[int] = mapped_column(Integer, default=0)


class ClaimGroupMember(Base):
    __tablename__ = "claim_group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("claim_groups.id", ondelete="CASCADE"), primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)  # a claim's membership is looked up by claim too
    rank: Mapped[int] = mapped_column(Integer, default=0)  # 0 = the original (earliest) report
    document_id: Mapped[int] = mapped_column(Integer)
    wire_copy_of: Mapped[int | None] = mapped_column(Integer)  # the document this one copies, if any


class Event(Base):
    """Claims about the same place, overlapping time and parties, with the low/best/high summary."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_start_end", "date_start", "date_end"),
        Index("ix_events_lat_lon", "lat", "lon"),
        # candidate look-ups of incremental reconcile: one place key, then a bounded date_start range
        Index("ix_events_admin1_key_start", "admin1_key", "date_start"),
        Index("ix_events_place_key_start", "place_key", "date_start"),
        Index("ix_events_cell_start", "cell", "date_start"),
        Index("ix_events_span_days", "span_days"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place: Mapped[str | None] = mapped_column(String(300))
    admin1: Mapped[str | None] = mapped_column(String(200), index=True)
    country: Mapped[str | None] = mapped_column(String(8))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[str | None] = mapped_column(String(16))
    date_start: Mapped[str] = mapped_column(String(10))
    date_end: Mapped[str] = mapped_column(String(10), index=True)
    parties: Mapped[str] = mapped_column(String(400), default="")  # ",Russia,Ukraine,"
    perpetrators: Mapped[str] = mapped_column(String(400), default="")  # ",Russia," who its claims say did it
    victims: Mapped[str] = mapped_column(String(400), default="")  # victim buckets: ",civilians,Ukraine,"
    kinds: Mapped[str] = mapped_column(String(400), default="")
    n_claims: Mapped[int] = mapped_column(Integer, default=0)
    n_groups: Mapped[int] = mapped_column(Integer, default=0)
    n_sides: Mapped[int] = mapped_column(Integer, default=0)
    deaths_low: Mapped[int | None] = mapped_column(Integer)
    deaths_best: Mapped[int | None] = mapped_column(Integer, index=True)
    deaths_high: Mapped[int | None] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[Any] = mapped_column(JSON, default=dict)
    admin1_key: Mapped[str | None] = mapped_column(String(200))  # casefolded admin1
    place_key: Mapped[str | None] = mapped_column(String(300))  # casefolded place name
    cell: Mapped[int | None] = mapped_column(Integer)  # grid cell of (lat, lon), see store.recon.cell_of
    span_days: Mapped[int] = mapped_column(Integer, default=0)  # date_end - date_start, bounds range look-ups


class EventClaim(Base):
    __tablename__ = "event_claims"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)
    side: Mapped[str | None] = mapped_column(String(120))
    stance: Mapped[str] = mapped_column(String(16))


class Tally(Base):
    """A cumulative figure ("over 38,000 since August") as one point of a per-claimant/party series."""

    __tablename__ = "tallies"
    __table_args__ = (Index("ix_tallies_series", "claimant_side", "victim_party", "kind", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), unique=True)
    claimant_side: Mapped[str | None] = mapped_column(String(120))
    claimant_name: Mapped[str | None] = mapped_column(String(300))
    victim_party: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[str | None] = mapped_column(String(10))
    as_of: Mapped[str] = mapped_column(String(10))
    quantity_low: Mapped[int | None] = mapped_column(Integer)
    quantity_high: Mapped[int | None] = mapped_column(Integer)
    qualifier: Mapped[str | None] = mapped_column(String(16))


class MetaRow(Base):
    """Key/value facts about the dataset (e.g. the reconcile parameters in force)."""

    __tablename__ = "ledger_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class DocumentBand(Base):
    """One LSH band of a document's MinHash signature: documents sharing a band are near-duplicate
    candidates, found by an indexed look-up instead of loading every signature."""

    __tablename__ = "document_bands"

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)


class WatchSource(Base):
    """What `watch` knows about one followed source, so a restart continues where it stopped:
    the validators of the last response (conditional requests) and the retry schedule."""

    __tablename__ = "watch_sources"

    source: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # folders: a hash of names, sizes, times
    last_polled: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_changed: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    errors: Mapped[int] = mapped_column(Integer, default=0)  # consecutive failures: the backoff exponent
    next_poll: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)


class ClaimCount(Base):
    """How many current claims share one combination of the dashboard's filter fields. `cube` says
    which fields the row stands for (`summary.CUBES`): cube 0 has them all (day, kind, party, side,
    precision, outlet, means, province, country), the others a few (day and kind, day and outlet,
    ...), the fields left out being NULL; facets, totals, the timeline and the map add up the rows of
    the smallest cube that holds every field a request needs. Kept up to date in the transaction
    that writes the claims (`store/summary.py`); `key` joins the cube and its values into one string."""

    __tablename__ = "claim_counts"
    __table_args__ = (Index("ix_claim_counts_cube_day", "cube", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)
    cube: Mapped[int] = mapped_column(Integer)
    day: Mapped[str | None] = mapped_column(String(10))
    kind: Mapped[str | None] = mapped_column(String(32))
    party: Mapped[str | None] = mapped_column(String(120))
    side: Mapped[str | None] = mapped_column(String(120))
    precision: Mapped[str | None] = mapped_column(String(16))
    outlet: Mapped[str | None] = mapped_column(String(300))
    means: Mapped[str | None] = mapped_column(String(200))
    admin1: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(8))
    language: Mapped[str | None] = mapped_column(String(16))  # the document's (migration 0009)
    perpetrator: Mapped[str | None] = mapped_column(String(120))  # the claim's perpetrator party (0009)
    n: Mapped[int] = mapped_column(Integer, default=0)
    sum_lat: Mapped[float] = mapped_column(Float, default=0.0)  # for the provinces' centres (mean)
    n_lat: Mapped[int] = mapped_column(Integer, default=0)
    sum_lon: Mapped[float] = mapped_column(Float, default=0.0)
    n_lon: Mapped[int] = mapped_column(Integer, default=0)


class ClaimCell(Base):
    """Current point/district claims per map grid cell and place: cube 0 with the same filter fields
    as `ClaimCount`'s cube 0, cube 1 with none (the unfiltered map); the map's points add these up."""

    __tablename__ = "claim_cells"
    __table_args__ = (Index("ix_claim_cells_cube_day", "cube", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)
    cube: Mapped[int] = mapped_column(Integer)
    cell_lat: Mapped[float] = mapped_column(Float)
    cell_lon: Mapped[float] = mapped_column(Float)
    place: Mapped[str | None] = mapped_column(String(300))
    precision: Mapped[str | None] = mapped_column(String(16))
    day: Mapped[str | None] = mapped_column(String(10))
    kind: Mapped[str | None] = mapped_column(String(32))
    party: Mapped[str | None] = mapped_column(String(120))
    side: Mapped[str | None] = mapped_column(String(120))
    outlet: Mapped[str | None] = mapped_column(String(300))
    means: Mapped[str | None] = mapped_column(String(200))
    admin1: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(8))
    language: Mapped[str | None] = mapped_column(String(16))
    perpetrator: Mapped[str | None] = mapped_column(String(120))
    n: Mapped[int] = mapped_column(Integer, default=0)
