"""Telegram Desktop channel exports: one document per text message, entities flattened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources import ReadOptions, read_sources

EXPORT: dict[str, Any] = {
    "name": "Southern Defense Forces", "type": "public_channel", "id": 1234567,
    "messages": [
        {"id": 1, "type": "service", "date": "2025-01-01T09:00:00", "action": "create_channel"},
        {"id": 2, "type": "message", "date": "2025-01-08T10:15:00", "from": "Southern Defense Forces",
         "text": ["Over the past day, ", {"type": "bold", "text": "64 occupiers"},
                  " were eliminated in the southern direction. ", {"type": "hashtag", "text": "#StandWithUkraine"}],
         "text_entities": [{"type": "plain", "text": "Over the past day, "}, {"type": "bold", "text": "64 occupiers"},
                           {"type": "plain", "text": " were eliminated in the southern direction. "},
                           {"type": "hashtag", "text": "#StandWithUkraine"}]},
        {"id": 3, "type": "message", "date": "2025-01-09T08:00:00", "photo": "photos/1.jpg", "text": ""},
        {"id": 4, "type": "message", "date": "2025-01-09T12:30:00",
         "text": "Air defense units shot down 12 enemy drones over Mykolaiv region overnight."},
    ],
}


def write(tmp_path: Path, data: Any, name: str = "result.json") -> str:
    folder = tmp_path / "ChatExport_2025"
    folder.mkdir(exist_ok=True)
    p = folder / name
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(p)


def test_one_document_per_text_message(tmp_path: Path) -> None:
    docs = list(read_sources([write(tmp_path, EXPORT)], ReadOptions()))
    assert all(isinstance(d, Document) for d in docs)
    assert [d.meta["message_id"] for d in docs if isinstance(d, Document)] == [2, 4]
    first = docs[0]
    assert isinstance(first, Document)
    assert first.text == ("Over the past day, 64 occupiers were eliminated in the southern direction. "
                          "#StandWithUkraine")
    assert first.speaker == "Southern Defense Forces" and first.source == "Southern Defense Forces"
    assert first.published == "2025-01-08T10:15:00" and first.id == "telegram:1234567:2"


def test_speaker_override_and_folder_dispatch(tmp_path: Path) -> None:
    path = write(tmp_path, EXPORT)
    docs = list(read_sources([str(Path(path).parent)], ReadOptions(speaker="Press service")))
    assert len(docs) == 2 and all(isinstance(d, Document) and d.speaker == "Press service" for d in docs)


@pytest.mark.parametrize(("data", "reason"), [
    ({"name": "x", "messages": []}, "no text messages"),
    ({"name": "x", "messages": "nope"}, "no 'messages' list"),
])
def test_bad_exports(tmp_path: Path, data: Any, reason: str) -> None:
    out = list(read_sources([write(tmp_path, data)], ReadOptions()))
    assert len(out) == 1 and isinstance(out[0], InputError) and reason in out[0].reason


def test_broken_json_export(tmp_path: Path) -> None:
    p = tmp_path / "result.json"
    p.write_text('{"name": "x", "messages": [', encoding="utf-8")
    out = list(read_sources([str(p)], ReadOptions()))
    assert len(out) == 1 and isinstance(out[0], InputError) and "not JSON" in out[0].reason
