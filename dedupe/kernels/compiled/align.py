"""Compiled kernel of the aligned score: :mod:`dedupe.kernels.reference.align` compiled by numba
from the same code (its helpers are compiled into it), so both give the same values."""

from __future__ import annotations

from numba import njit

from dedupe.kernels.reference import align as _reference

aligned_scores = njit(cache=True, nogil=True)(_reference.aligned_scores)
