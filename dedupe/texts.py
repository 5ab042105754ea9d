"""Texts kept encoded: the raw texts of a run's candidate documents as UTF-8, decoded when read.

A Python string holding one character beyond Latin-1 (a typographic apostrophe) takes two or
four bytes per character; most pages hold one. Kept as UTF-8 bytes (``surrogatepass``, so
every string comes back as it was), the texts the scorers may read take half the memory:
190,000 candidate documents of the 1M benchmark corpus, 1.3 GB as strings, 0.7 GB here.
Reading one costs a decode (3 microseconds for a page of 3.7 KB); the texts read last are kept
decoded (:data:`RECENT`), as scorers read the documents of a pair, and of a component of the
candidate graph, several times in a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import overload

from dedupe.recent import Recent

#: How many of the texts decoded last are kept decoded (a few MB).
RECENT = 256


class EncodedTexts(Sequence[str]):
    """A sequence of texts stored as UTF-8 bytes; ``texts[k]`` decodes the k-th."""

    __slots__ = ("_data", "_recent")

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self._data = [_encode(t) for t in texts]
        self._recent: Recent[int, str] = Recent(RECENT)

    @classmethod
    def blank(cls, n: int) -> EncodedTexts:
        """``n`` empty texts, to be filled with :meth:`put`."""
        out = cls()
        out._data = [b""] * n
        return out

    def put(self, k: int, text: str) -> None:
        self._data[k] = _encode(text)
        self._recent.pop(k, None)

    def __len__(self) -> int:
        return len(self._data)

    @overload
    def __getitem__(self, k: int) -> str: ...

    @overload
    def __getitem__(self, k: slice) -> list[str]: ...

    def __getitem__(self, k: int | slice) -> str | list[str]:
        if isinstance(k, slice):
            return [_decode(b) for b in self._data[k]]
        if k < 0:
            k += len(self._data)
        text = self._recent.get(k)
        if text is None:
            text = self._recent[k] = _decode(self._data[k])
        return text

    def same(self, i: int, j: int) -> bool:
        """Whether texts ``i`` and ``j`` are the same, told by their bytes (nothing decoded:
        the encoding is one to one)."""
        return self._data[i] == self._data[j]

    def __repr__(self) -> str:
        return f"EncodedTexts({len(self._data)} texts)"


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _decode(data: bytes) -> str:
    try:
        return data.decode()  # (the strict codec's fast path: the same text when it succeeds)
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogatepass")
