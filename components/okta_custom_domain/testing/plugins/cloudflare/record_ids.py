"""The ids the Cloudflare double's records carry, kept in a file beside its request log.

Cloudflare gives every record an id, one made in the dashboard too; ``getDnsRecords`` lists
records with their ids and ``DnsRecord`` imports one by ``zoneId/recordId``. The double's
records live in a Knot zone, which has no ids, so the double keeps id -> (zone id, name, type,
content, comment) in a JSON file. A record found in the zone without an id (one a test wrote as
a person does in the dashboard) gets one the first time it is listed. Several plugin processes
may share the file (one per provider): every change holds an exclusive lock.
"""

from __future__ import annotations

import fcntl
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class KnownRecord:
    """What the double knows of a record beyond the zone data: its zone id and comment."""

    zone_id: str
    fqdn: str
    rtype: str
    content: str
    comment: str | None = None

    def same_record(self, other: KnownRecord) -> bool:
        """The same zone, name, type and content (a CNAME target without case)."""
        if (self.zone_id, self.fqdn, self.rtype) != (other.zone_id, other.fqdn, other.rtype):
            return False
        if self.rtype == "CNAME":
            return self.content.lower().rstrip(".") == other.content.lower().rstrip(".")
        return self.content == other.content


class RecordIds:
    """id -> ``KnownRecord``, in ``path`` (JSON), changed under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _table(self) -> Iterator[dict[str, dict[str, Any]]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            table: dict[str, dict[str, Any]] = (
                json.loads(self.path.read_text()) if self.path.exists() else {}
            )
            yield table
            self.path.write_text(json.dumps(table, indent=1, sort_keys=True))

    def put(self, record_id: str, record: KnownRecord) -> None:
        with self._table() as table:
            table[record_id] = asdict(record)

    def remove(self, record_id: str) -> None:
        with self._table() as table:
            table.pop(record_id, None)

    def get(self, record_id: str) -> KnownRecord | None:
        with self._table() as table:
            raw = table.get(record_id)
        return KnownRecord(**raw) if raw else None

    def id_for(self, record: KnownRecord) -> tuple[str, KnownRecord]:
        """The id of ``record`` (and what is known of it), given one now if it has none."""
        with self._table() as table:
            for record_id, raw in table.items():
                known = KnownRecord(**raw)
                if known.same_record(record):
                    return record_id, known
            record_id = uuid.uuid4().hex
            table[record_id] = asdict(record)
            return record_id, record
