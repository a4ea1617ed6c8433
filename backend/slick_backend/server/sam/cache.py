"""Embedding cache: an LRU in memory plus ``<id>.npy`` + ``<id>.json`` on disk.

The id is a hash of (raster checksum, grid, window, model key), so the same window of the
same file with the same weights is embedded once, across server restarts too. The raster
checksum is cheap (size, mtime, first and last MiB): see docs/server-api.md. Files are
written atomically and loaded with ``allow_pickle=False``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...atomic import atomic_file


def scene_checksum(path: str | Path) -> str:
    """What keys a scene's embeddings: its file's checksum; for a Sentinel-1 product, that of its
    zip or manifest.safe, with the name as given (which carries the band: HH and HV differ)."""
    from ...scenes.safe import parse_subdataset

    file = Path(parse_subdataset(str(path))[0])
    if file.is_dir():
        file = file / "manifest.safe"
    digest = file_checksum(file)
    if str(file) == str(path):
        return digest
    return hashlib.sha256(f"{digest}:{path}".encode()).hexdigest()


_checksums: dict[str, tuple[tuple, str]] = {}  # path -> (stat key, checksum)


def file_checksum(path: str | Path) -> str:
    """SHA-256 over size, mtime and the first and last MiB: cheap on multi-GB rasters and checkpoints.

    Every prompt checks that its scene did not change, and re-reading 2 MiB for it was 0.5 ms of
    each prompt. So a checksum is remembered per path while the file's inode, size, mtime and
    ctime stay the same, but only once the file had been unchanged for a second when it was read
    (git's "racy" rule): a write after that gets a later ctime, which no program can set back,
    whereas a write in the same clock tick as the read could keep every stat field."""
    path = Path(path)
    st = path.stat()
    key = (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    known = _checksums.get(str(path))
    if known is not None and known[0] == key:
        return known[1]
    read_at = time.time_ns()
    h = hashlib.sha256(f"{st.st_size}:{st.st_mtime_ns}".encode())
    with open(path, "rb") as f:
        h.update(f.read(1 << 20))
        if st.st_size > 2 << 20:
            f.seek(-(1 << 20), 2)
            h.update(f.read(1 << 20))
    if read_at - max(st.st_mtime_ns, st.st_ctime_ns) > 1_000_000_000:
        if len(_checksums) > 256:
            _checksums.clear()
        _checksums[str(path)] = (key, h.hexdigest())
    return h.hexdigest()


def embedding_id(raster_sum: str, grid: dict, window: dict, model_key: str) -> str:
    blob = json.dumps([raster_sum, grid, window, model_key], sort_keys=True)
    return "e_" + hashlib.sha256(blob.encode()).hexdigest()[:24]


@dataclass
class Entry:
    id: str
    embedding: np.ndarray  # float32 [C, h, w]
    image: np.ndarray  # uint8 [size, size]: the model input (validity of the mask pixels)
    meta: dict  # raster, grid, window, model, stretch


class EmbeddingCache:
    def __init__(self, directory: Path, max_items: int = 16, max_disk_mb: int = 2048) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.max_items, self.max_disk_mb = max_items, max_disk_mb
        self.mem: OrderedDict[str, Entry] = OrderedDict()

    def get(self, eid: str) -> tuple[Entry | None, str | None]:
        """(entry, "memory" | "disk") or (None, None)."""
        if eid in self.mem:
            self.mem.move_to_end(eid)
            return self.mem[eid], "memory"
        entry = self._load(eid)
        if entry is not None:
            self._remember(entry)
            return entry, "disk"
        return None, None

    def put(self, entry: Entry) -> None:
        self._remember(entry)
        self._save(entry)

    def drop_memory(self) -> int:
        n = len(self.mem)
        self.mem.clear()
        return n

    def _remember(self, entry: Entry) -> None:
        self.mem[entry.id] = entry
        self.mem.move_to_end(entry.id)
        while len(self.mem) > self.max_items:
            self.mem.popitem(last=False)

    def _paths(self, eid: str) -> tuple[Path, Path, Path]:
        safe = "".join(ch for ch in eid if ch.isalnum() or ch == "_")
        return self.dir / f"{safe}.npy", self.dir / f"{safe}.image.npy", self.dir / f"{safe}.json"

    def _save(self, entry: Entry) -> None:
        emb, img, meta = self._paths(entry.id)
        with atomic_file(emb) as tmp, open(tmp, "wb") as f:
            np.save(f, entry.embedding.astype(np.float32), allow_pickle=False)
        with atomic_file(img) as tmp, open(tmp, "wb") as f:
            np.save(f, entry.image, allow_pickle=False)
        with atomic_file(meta) as tmp:  # the JSON last: it marks the entry complete
            tmp.write_text(json.dumps(entry.meta))
        self._trim()

    def _load(self, eid: str) -> Entry | None:
        emb, img, meta = self._paths(eid)
        if not meta.is_file():
            return None
        try:
            info = json.loads(meta.read_text())
            return Entry(eid, np.load(emb, allow_pickle=False), np.load(img, allow_pickle=False), info)
        except (OSError, ValueError):
            return None

    def _trim(self) -> None:
        """Keep the disk cache under max_disk_mb: drop the least recently written entries."""
        files = sorted(self.dir.glob("*.json"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in self.dir.glob("*.npy"))
        while files and total > self.max_disk_mb * 2**20:
            eid = files.pop(0).stem
            for p in self._paths(eid):
                with contextlib.suppress(OSError):
                    total -= p.stat().st_size if p.suffix == ".npy" else 0
                    p.unlink()
