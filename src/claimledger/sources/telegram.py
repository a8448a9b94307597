"""Telegram Desktop channel exports (`result.json`): one document per text message.

Formatting entities (bold, links, mentions, hashtags) are flattened to their text; the channel
name becomes the outlet and the default speaker (so the channel is the claimant's default, as
for a presidential address); the message date is the publication date. Service messages and
messages without text (photos without caption) are not documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources import ReadOptions, register_reader
from claimledger.sources.validate import validate_text

MAX_EXPORT_BYTES = 2_000_000_000


def is_telegram_export(spec: str) -> bool:
    p = Path(spec)
    if p.suffix.lower() != ".json" or not p.is_file():
        return False
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b'"messages"' in head or (p.name == "result.json" and b'"type"' in head and b'"name"' in head)


def flatten(text: Any) -> str:
    """Telegram's `text`: a string, or a list of strings and entity objects with a `text`."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) if isinstance(part, dict)
                       else "" for part in text)
    return ""


def message_text(msg: dict[str, Any]) -> str:
    ents = msg.get("text_entities")
    if isinstance(ents, list) and ents:
        return "".join(str(e.get("text", "")) for e in ents if isinstance(e, dict))
    return flatten(msg.get("text"))


@register_reader("telegram", detect=is_telegram_export, priority=10)
def read_telegram(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    size = Path(spec).stat().st_size
    if size > MAX_EXPORT_BYTES:
        raise InputError(spec, f"export larger than {MAX_EXPORT_BYTES:,} bytes")
    from claimledger.sources.jsonl import load_json_file

    data = load_json_file(spec)
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise InputError(spec, "not a Telegram channel export (no 'messages' list)")
    channel = str(data.get("name") or Path(spec).parent.name or "telegram")
    channel_id = data.get("id")
    n_docs = 0
    for msg in data["messages"]:
        if not isinstance(msg, dict) or msg.get("type", "message") != "message":
            continue
        text = message_text(msg).strip()
        if not text:
            continue
        mid = msg.get("id")
        where = f"{spec}#message-{mid}"
        try:
            validate_text(where, text, options.max_bytes)
        except InputError as e:
            yield e
            continue
        date = str(msg.get("date") or "") or options.published
        doc = Document(id=f"telegram:{channel_id or channel}:{mid}", text=text, published=date or None,
                       title=None, speaker=options.speaker or channel, source=options.source or channel,
                       published_precision="day" if date else None)
        doc.meta.update(channel=channel, channel_id=channel_id, message_id=mid, origin=where, format="telegram")
        if msg.get("edited"):
            doc.meta["edited"] = msg["edited"]
        n_docs += 1
        yield doc
    if n_docs == 0:
        yield InputError(spec, "Telegram export has no text messages")
