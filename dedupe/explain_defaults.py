"""The defaults of ``dedupe explain`` (how shared passages are found), in a module of their own
so that the command line can show them without importing the explainer and its kernels."""

from __future__ import annotations

#: Shared passages separated by at most this many differing units (words, or characters with
#: the char unit) on both sides are one passage with edits (chosen on pan13-dev, see
#: benchmarks/pan13_explain.py).
DEFAULT_GAP = 8
#: Aligned passages matching fewer units than this are not shared (common phrases).
DEFAULT_MIN_LENGTH = 12
