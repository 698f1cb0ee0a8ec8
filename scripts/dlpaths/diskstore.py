"""Texts kept on disk between builds under a hash of everything they depend on.

Each value is one file named by its key. Reading an entry marks it used (its modification time),
and entries nobody used for `keep_days` are deleted, so checkouts and branches sharing the cache
keep what they use and the folder does not grow without end.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DiskStore:
    directory: Path
    suffix: str = ".json"
    keep_days: float = 14

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}{self.suffix}"

    def get(self, key: str) -> str | None:
        path = self._path(key)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by evict_unused
        return text

    def put(self, key: str, text: str) -> None:
        write_atomically(self._path(key), text)

    def evict_unused(self, now: float | None = None) -> int:
        """Delete entries nobody has used for keep_days; return how many."""
        cutoff = (now or time.time()) - self.keep_days * 86400
        removed = 0
        for path in self.directory.glob(f"*{self.suffix}"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file: a build running in parallel never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def code_version(*modules: str, extra: str = "") -> str:
    """A short hash of `extra` and the source of these dlpaths modules.

    Results cached under it never outlive the code that made them.
    """
    digest = hashlib.sha256(extra.encode())
    for name in modules:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:12]
