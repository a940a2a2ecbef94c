"""The one home of process-wide memos, with one reset.

A memo is a bounded in-process dict for values that are expensive to fetch and safe to keep for
a while (immutable mappings, or entries with their own expiry). Every memo is created here with
`process_memo(name, max_entries=...)`, so `reset_all()` (called by the root conftest before each
test, and available to anything that must drop them, e.g. a rebuild) clears all of them at once.
No other module keeps a process-wide dict of its own.
"""

from __future__ import annotations

import threading
from typing import Any

_registry: dict[str, ProcessMemo] = {}
_registry_lock = threading.Lock()


class ProcessMemo:
    """A thread-safe dict bounded to `max_entries` (cleared when full; entries are cheap to refetch)."""

    def __init__(self, name: str, *, max_entries: int):
        self.name = name
        self.max_entries = max_entries
        self._data: dict[Any, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, default: Any = None) -> Any:
        return self._data.get(key, default)  # a dict read is atomic under the GIL

    def set(self, key: Any, value: Any) -> None:
        with self._lock:
            if len(self._data) >= self.max_entries and key not in self._data:
                self._data.clear()
            self._data[key] = value

    def pop(self, key: Any) -> None:
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


def process_memo(name: str, *, max_entries: int) -> ProcessMemo:
    """The memo called `name`, created on first use (module import)."""
    with _registry_lock:
        memo = _registry.get(name)
        if memo is None:
            memo = _registry[name] = ProcessMemo(name, max_entries=max_entries)
        return memo


def reset_all() -> None:
    """Clears every memo (tests between cases; a process that must drop what it learned)."""
    with _registry_lock:
        memos = list(_registry.values())
    for memo in memos:
        memo.clear()
