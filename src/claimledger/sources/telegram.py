"""Telegram Desktop channel exports (`result.json`): one document per text message.

Formatting entities (bold, links, mentions, hashtags) are flattened to their text; the channel
name becomes the outlet and the default speaker (so the channel is the claimant's default, as
for a presidential address); the message date is the publication date. Service messages and
messages without text (photos without caption) are not documents. The export is streamed with
`ijson`, message by message, so its size does not matter.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from claimledger.errors import InputError
from claimledger.model import Document
from claimledger.sources.registry import ReadOptions, register_reader
from claimledger.sources.validate import validate_text


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


def _channel_header(spec: str) -> tuple[dict[str, Any], bool]:
    """The export's top-level scalars (`name`, `id`, `type`) read up to the `messages` list,
    without reading the messages (Telegram writes them first), and whether `messages` is a list."""
    import ijson

    head: dict[str, Any] = {}
    key: str | None = None
    with open(spec, "rb") as fh:
        events = ijson.parse(fh)
        for prefix, event, value in events:
            if prefix == "" and event == "map_key":
                if value == "messages":
                    return head, next(events, ("", "", None))[1] == "start_array"
                key = value
            elif key is not None and prefix == key and event in ("string", "number", "boolean", "null"):
                head[key] = value
    return head, False


def _not_json(e: Exception) -> str:
    """ijson's message on one line ("parse error: premature EOF")."""
    first = (str(e).strip().splitlines() or [type(e).__name__])[0].strip()
    return f"not JSON ({first})"


def _messages(spec: str) -> Iterator[Any]:
    """The messages one by one (ijson streams them: memory stays flat on a multi-GB export)."""
    import ijson

    with open(spec, "rb") as fh:
        try:
            yield from ijson.items(fh, "messages.item", use_float=True)
        except ijson.JSONError as e:
            raise InputError(spec, _not_json(e)) from None


def _message_document(msg: dict[str, Any], spec: str, channel: str, channel_id: Any,
                      options: ReadOptions) -> Document | InputError | None:
    if msg.get("type", "message") != "message":
        return None
    text = message_text(msg).strip()
    if not text:
        return None
    mid = msg.get("id")
    where = f"{spec}#message-{mid}"
    try:
        validate_text(where, text, options.max_bytes)
    except InputError as e:
        return e
    date = msg.get("date")
    if date is not None and not isinstance(date, str):
        return InputError(where, f"'date' must be a string, not {type(date).__name__}")
    date = date or options.published
    doc = Document(id=f"telegram:{channel_id or channel}:{mid}", text=text, published=date or None,
                   title=None, speaker=options.speaker or channel, source=options.source or channel,
                   published_precision="day" if date else None)
    doc.meta.update(channel=channel, channel_id=channel_id, message_id=mid, origin=where, format="telegram")
    if msg.get("edited"):
        doc.meta["edited"] = msg["edited"]
    return doc


@register_reader("telegram", detect=is_telegram_export, priority=10)
def read_telegram(spec: str, options: ReadOptions) -> Iterator[Document | InputError]:
    """Stream the export's messages; a malformed message costs itself, a broken file ends there."""
    import ijson

    try:
        head, has_messages = _channel_header(spec)
    except ijson.JSONError as e:
        raise InputError(spec, _not_json(e)) from None
    if not has_messages:
        raise InputError(spec, "not a Telegram channel export (no 'messages' list)")
    channel = str(head.get("name") or Path(spec).parent.name or "telegram")
    channel_id = head.get("id")
    n_docs = 0
    for msg in _messages(spec):
        if not isinstance(msg, dict):
            continue
        item = _message_document(msg, spec, channel, channel_id, options)
        if isinstance(item, Document):
            n_docs += 1
        if item is not None:
            yield item
    if n_docs == 0:
        yield InputError(spec, "Telegram export has no text messages")
