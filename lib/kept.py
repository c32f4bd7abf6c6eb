"""What a process builds once per version of some data and keeps, newest first."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class KeptVersions:
    """Built values by key, a key naming a version (a new version is a new key, so nothing
    kept is ever stale). Only the `size` keys used last are kept."""

    def __init__(self, size: int = 8):
        self.size = size
        self._kept: OrderedDict[Hashable, object] = OrderedDict()
        # Threaded servers share a process's copies; building happens outside the lock.
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], object]):
        found = self.find(key)
        if found is None:
            found = build()
            self.keep(key, found)
        return found

    def find(self, key: Hashable):
        """The value kept for `key`, or None."""
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        return None

    def keep(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._kept[key] = value
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
