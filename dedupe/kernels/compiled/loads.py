"""Unaligned loads in compiled kernels: the 32-bit little-endian word at any byte of a buffer,
read with one load (xxh32 reads its input 4 bytes at a time; four byte loads and shifts cost a
shingle kernel a quarter of its time, a table of every byte's word as much in memory).

Numba runs on little-endian machines only (x86-64, AArch64, ppc64le), where the word a load
reads is the little-endian word xxh32 defines.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.cpython.unsafe.numbers import leading_zeros as _leading_zeros
from numba.cpython.unsafe.numbers import trailing_zeros as _trailing_zeros
from numba.extending import intrinsic


def _typed_load(bits: int, typingctx: Any, buf: Any, p: Any) -> Any:
    """The typing and code of :data:`_load32` and :data:`_load64`."""
    if not (isinstance(buf, types.Array) and buf.dtype == types.uint8):
        return None
    if not isinstance(p, types.Integer):
        return None
    sig = (types.uint32 if bits == 32 else types.uint64)(buf, p)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        array = context.make_array(signature.args[0])(context, builder, args[0])
        at = context.cast(builder, args[1], signature.args[1], types.intp)
        address = builder.bitcast(builder.gep(array.data, [at]), ir.IntType(bits).as_pointer())
        return builder.load(address, align=1)

    return sig, codegen


def _typed_load32(typingctx: Any, buf: Any, p: Any) -> Any:
    return _typed_load(32, typingctx, buf, p)


def _typed_load64(typingctx: Any, buf: Any, p: Any) -> Any:
    return _typed_load(64, typingctx, buf, p)


#: ``_load32(buf, p)`` in a compiled kernel: the little-endian 32-bit word at byte ``p`` of the
#: uint8 array ``buf`` (``p + 3`` must be inside it).
_load32: Any = intrinsic(_typed_load32)
#: ``_load64(buf, p)``: the 64-bit word at byte ``p`` (``p + 7`` inside ``buf``).
_load64: Any = intrinsic(_typed_load64)

#: The number of trailing (leading) zero bits of an integer, in a compiled kernel (an
#: intrinsic: one instruction).
trailing_zeros: Any = _trailing_zeros
leading_zeros: Any = _leading_zeros


def _typed_store64(typingctx: Any, buf: Any, p: Any, value: Any) -> Any:
    """The typing and code of :data:`_store64`."""
    if not (isinstance(buf, types.Array) and buf.dtype == types.uint8 and buf.mutable):
        return None
    if not isinstance(p, types.Integer) or value != types.uint64:
        return None
    sig = types.void(buf, p, value)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        array = context.make_array(signature.args[0])(context, builder, args[0])
        at = context.cast(builder, args[1], signature.args[1], types.intp)
        address = builder.bitcast(builder.gep(array.data, [at]), ir.IntType(64).as_pointer())
        builder.store(args[2], address, align=1)
        return context.get_dummy_value()

    return sig, codegen


#: ``_store64(buf, p, value)``: write the 64-bit word ``value`` at byte ``p`` of the writable
#: uint8 array ``buf`` (``p + 7`` inside it), little-endian, with one store.
_store64: Any = intrinsic(_typed_store64)

#: Words of four bytes: each byte's high bit, each byte 1.
_HIGH_BITS = np.uint32(0x80808080)
_LOW_BITS = np.uint32(0x01010101)


@njit(inline="always", cache=True)
def _ascii_without(v, repeated):
    """Whether the four bytes of the word ``v`` are ASCII and none is the byte that
    ``repeated`` holds four times (a zero byte of ``v ^ repeated`` found with two operations:
    a scan passes over such words without looking at their bytes one by one)."""
    x = v ^ repeated
    return (v & _HIGH_BITS) == 0 and ((x - _LOW_BITS) & ~x & _HIGH_BITS) == 0


#: Words of eight bytes: each byte's high bit, each byte 1.
_HIGH_BITS64 = np.uint64(0x8080808080808080)
_LOW_BITS64 = np.uint64(0x0101010101010101)


@njit(inline="always", cache=True)
def _ascii_run64(v, repeated):
    """How many bytes of the word ``v``, from its first in memory, are ASCII and not the byte
    that ``repeated`` holds eight times (8 when all are): a scan steps over them at once, to
    the byte it must look at. (The zero-byte test may flag a byte after a true zero byte,
    never one before it: the first flagged byte is exact.)"""
    x = v ^ repeated
    flagged = (v & _HIGH_BITS64) | ((x - _LOW_BITS64) & ~x & _HIGH_BITS64)
    if flagged == 0:
        return 8
    return np.int64(trailing_zeros(flagged)) >> 3
