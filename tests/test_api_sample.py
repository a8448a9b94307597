"""A small hand-made ledger for the API, security and browser tests (no extractor needed).

Texts are invented short war-report sentences; two of them carry script-injection payloads, as an
untrusted article might. Claims are built by hand with evidence offsets into their text, stored
through the store's write function and reconciled, so events and claim groups are real.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claimledger.model import (
    Claim,
    Claimant,
    Document,
    EventTime,
    Evidence,
    Location,
    Perpetrator,
    Quantity,
    Victim,
)
from claimledger.reconcile import reconcile
from claimledger.store import Ledger
from claimledger.store.repo import store_document

XSS_TITLE = '<script>window.__pwned = "title"</script>Shelling report'
XSS_TEXT = (
    "<script>window.__pwned = 'script';</script> The regional administration said on Wednesday that "
    "<img src=x onerror=\"window.__pwned='img'\"> seven civilians were killed by Russian shelling in Kherson. "
    "Officials said <svg onload=\"alert('svg')\"></svg> the shelling continued overnight."
)

BAKHMUT = ("Bakhmut", 48.5956, 38.0003, "UA", "Donetsk Oblast", "point")
KHERSON = ("Kherson", 46.6354, 32.6169, "UA", "Kherson Oblast", "point")
KHARKIV_OBLAST = ("Kharkiv Oblast", 49.6, 36.6, "UA", "Kharkiv Oblast", "admin1")
UKRAINE = ("Ukraine", 49.0, 31.0, "UA", None, "country")
SOUTH = ("the southern direction", None, None, "UA", None, "region")


@dataclass(frozen=True, slots=True)
class Spec:
    evidence: str
    kind: str
    party: str | None
    low: int | None
    high: int | None
    qualifier: str
    name: str | None
    side: str | None
    place: tuple[Any, ...] | None
    day: str
    stance: str = "asserted"
    means: tuple[str, ...] = ()
    victim_type: str = "military"
    item: str | None = None
    perpetrator: tuple[str | None, str | None] | None = None  # (party, text as written)


DOCS: list[tuple[dict[str, Any], list[Spec]]] = [
    ({"id": "gs-2025-03-02", "source": "General Staff of Ukraine", "published": "2025-03-02",
      "url": "https://example.org/gs/2025-03-02", "title": "Losses near Bakhmut",
      "text": "The General Staff of the Armed Forces of Ukraine said on Sunday that 120 Russian soldiers were "
              "killed near Bakhmut. Ukrainian drones also destroyed three Russian tanks near Bakhmut."},
     [Spec("The General Staff of the Armed Forces of Ukraine said on Sunday that 120 Russian soldiers were "
           "killed near Bakhmut.", "killed", "Russia", 120, 120, "exact", "General Staff", "Ukraine",
           BAKHMUT, "2025-03-02"),
      Spec("Ukrainian drones also destroyed three Russian tanks near Bakhmut.", "equipment_destroyed", "Russia",
           3, 3, "exact", "General Staff", "Ukraine", BAKHMUT, "2025-03-02", means=("drone",),
           victim_type="equipment", item="tank", perpetrator=("Ukraine", "Ukrainian drones"))]),
    ({"id": "wire-2025-03-03", "source": "Wire Service", "published": "2025-03-03",
      "url": "https://example.org/wire/2025-03-03", "title": "Ukraine reports Russian losses",
      "text": "KYIV (Wire) - Ukraine's General Staff said 120 Russian soldiers were killed in the past day."},
     [Spec("Ukraine's General Staff said 120 Russian soldiers were killed in the past day.", "killed", "Russia",
           120, 120, "exact", "General Staff", "Ukraine", None, "2025-03-02")]),
    ({"id": "mod-2025-03-02", "source": "Russian Ministry of Defence", "published": "2025-03-02",
      "url": "https://example.org/mod/2025-03-02", "title": "Briefing",
      "text": "The Russian Defence Ministry said that up to 200 Ukrainian servicemen were killed near Bakhmut. "
              "The ministry denied that any Russian soldiers were killed there."},
     [Spec("The Russian Defence Ministry said that up to 200 Ukrainian servicemen were killed near Bakhmut.",
           "killed", "Ukraine", None, 200, "at_most", "Russian Defence Ministry", "Russia", BAKHMUT, "2025-03-02",
           means=("artillery",)),
      Spec("The ministry denied that any Russian soldiers were killed there.", "killed", "Russia", 0, 0, "exact",
           "Russian Defence Ministry", "Russia", BAKHMUT, "2025-03-02", stance="denied")]),
    ({"id": "kharkiv-2025-02-10", "source": "Kyiv Independent", "published": "2025-02-10",
      "url": "https://example.org/ki/kharkiv", "title": "Kharkiv Oblast attacks",
      "text": "Governor Oleh Syniehubov said four civilians were killed in Russian attacks across Kharkiv Oblast."},
     [Spec("Governor Oleh Syniehubov said four civilians were killed in Russian attacks across Kharkiv Oblast.",
           "killed", "Ukraine", 4, 4, "exact", "Oleh Syniehubov", "Ukraine", KHARKIV_OBLAST, "2025-02-10",
           means=("missile",), victim_type="civilian", perpetrator=("Russia", "Russian attacks"))]),
    ({"id": "south-2025-01-20", "source": "Kyiv Independent", "published": "2025-01-20",
      "url": "https://example.org/ki/south", "title": "Southern front",
      "text": "Ukraine's Southern Defense Forces said about 60 Russian troops were killed on the southern direction."},
     [Spec("Ukraine's Southern Defense Forces said about 60 Russian troops were killed on the southern direction.",
           "killed", "Russia", 60, 60, "approx", "Southern Defense Forces", "Ukraine", SOUTH, "2025-01-20")]),
    ({"id": "national-2025-01-05", "source": "TASS", "published": "2025-01-05",
      "url": "https://example.org/tass/national", "title": "Year figures",
      "text": "=HYPERLINK(\"http://x\") Moscow claimed that 1,500 Ukrainian soldiers were captured in Ukraine."},
     [Spec("Moscow claimed that 1,500 Ukrainian soldiers were captured in Ukraine.", "captured", "Ukraine", 1500,
           1500, "exact", "=HYPERLINK(\"http://x\")", "Russia", UKRAINE, "2025-01-05")]),
    ({"id": "xss-2025-01-15", "source": "<b>Evil</b> Outlet", "published": "2025-01-15",
      "url": "javascript:alert(1)", "title": XSS_TITLE, "text": XSS_TEXT},
     [Spec("The regional administration said on Wednesday that <img src=x onerror=\"window.__pwned='img'\"> "
           "seven civilians were killed by Russian shelling in Kherson.", "killed", "Ukraine", 7, 7, "exact",
           "<img src=x onerror=\"window.__pwned='name'\">", "Ukraine", KHERSON, "2025-01-15",
           means=("artillery",), victim_type="civilian", perpetrator=("Russia", "Russian shelling"))]),
]


def build_claim(doc: Document, s: Spec) -> Claim:
    start = doc.text.index(s.evidence)
    loc = None
    if s.place is not None:
        name, lat, lon, country, admin1, precision = s.place
        loc = Location(name, lat, lon, country, admin1, precision)
    return Claim(
        doc_id=doc.id, kind=s.kind,
        victim=Victim(s.party, s.victim_type, "soldiers" if s.victim_type == "military" else "victims", s.item),
        quantity=Quantity(s.low, s.high, s.qualifier, "" if s.low is None and s.high is None else str(s.high or s.low)),
        claimant=Claimant(s.name, s.side), evidence=Evidence(s.evidence, start, start + len(s.evidence)),
        stance=s.stance, means=list(s.means), location=loc, event_time=EventTime(s.day, s.day, "day"),
        stated_on=s.day, confidence=0.9, perpetrator=Perpetrator(*s.perpetrator) if s.perpetrator else None,
    )


def build_sample_ledger(url: str, schema: str | None = None) -> Ledger:
    """Open (create) a ledger at `url` and fill it with the sample documents, reconciled."""
    led = Ledger.open(url, schema=schema)
    for meta, specs in DOCS:
        doc = Document(**meta)
        store_document(led.db, doc, [build_claim(doc, s) for s in specs])
    reconcile(led)
    return led


N_CLAIMS = sum(len(specs) for _, specs in DOCS)


def test_stored_evidence_offsets_slice_the_stored_text(tmp_path: Any) -> None:
    """What the ledger gives back (document text, claims with offsets) agrees with itself: the
    store keeps offsets and text together, and a change that shifts either fails here."""
    led = build_sample_ledger(f"sqlite:///{tmp_path / 'offsets.db'}")
    try:
        docs = list(led.iter_rows("documents"))
        assert len(docs) == len(DOCS)
        checked = 0
        for row in docs:
            detail = led.get_document(row["id"])
            assert detail is not None
            for claim in detail["claims"]:
                ev = claim["evidence"]
                assert detail["text"][ev["start"]:ev["end"]] == ev["text"], (row["id"], ev)
                checked += 1
        assert checked == N_CLAIMS
    finally:
        led.close()
