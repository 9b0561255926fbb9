"""Columns of numbers from PostgreSQL's binary ``COPY ... TO STDOUT (FORMAT binary)`` output,
and binary ``COPY ... FROM STDIN (FORMAT binary)`` input built from columns.

Fetching 100,000s of rows as Python tuples costs more than the query that computes them;
the binary COPY format of fixed-width numbers can be read as whole columns instead
(``numpy.frombuffer``). Only the types below
and no NULL: the query must ``COALESCE`` and cast its columns. The other way, formatting
100,000s of rows as COPY text costs far more Python than packing the columns into one
array of fixed-width binary rows (:func:`build_rows`).

Format (PostgreSQL documentation, "COPY", binary format): an 11-byte signature, a 32-bit
flags field, a 32-bit header extension length and the extension; then per row a 16-bit
field count and, per field, a 32-bit length (-1 for NULL) and the value in network byte
order; then a 16-bit -1 trailer.
"""

from __future__ import annotations

import struct

import numpy

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
TRAILER = b"\xff\xff"
#: SQL type: (numpy dtype, struct code, size in bytes)
TYPES = {
    "int4": (">i4", "i", 4),
    "int8": (">i8", "q", 8),
    "float8": (">f8", "d", 8),
}


#: SQL type: big-endian numpy dtype of a value written by :func:`build_rows`
WRITE_TYPES = {
    "int4": ">i4",
    "int8": ">i8",
    "float8": ">f8",
    "bool": "u1",
}


#: beyond this (times 100), a float's 2-decimal rounding is left to Python's formatting
ROUND_EXACT_LIMIT = 1e9


class CopyFormatError(ValueError):
    """The COPY output is not the binary format of the expected columns."""


def copy_sql(query_code):
    """The COPY statement that streams the rows of the SELECT ``query_code`` in binary."""
    return f"COPY ({query_code}) TO STDOUT (FORMAT binary)"


def parse_columns(data, types):
    """Split binary COPY output into one column per entry of ``types`` (``"int4"``,
    ``"int8"`` or ``"float8"``): numpy arrays (native byte order). Raises
    :class:`CopyFormatError` on anything else (another type, a NULL, a truncated stream)."""
    types = list(types)
    unknown = [name for name in types if name not in TYPES]
    if unknown or not types:
        raise CopyFormatError(f"Unsupported column types: {unknown or 'none'}.")
    data = bytes(data)
    if not data.startswith(SIGNATURE) or len(data) < len(SIGNATURE) + 8 + len(TRAILER):
        raise CopyFormatError("Not PostgreSQL binary COPY output (no signature).")
    flags, extension = struct.unpack_from(">II", data, len(SIGNATURE))
    if flags & 0xFFFF0000:  # bits 16-31 are critical: unknown ones must be refused
        raise CopyFormatError(f"Unsupported binary COPY header flags {flags:#x}.")
    start = len(SIGNATURE) + 8 + extension
    if not data.endswith(TRAILER) or start > len(data) - len(TRAILER):
        raise CopyFormatError("Truncated binary COPY output (no trailer).")
    body = memoryview(data)[start : len(data) - len(TRAILER)]
    row_size = 2 + sum(4 + TYPES[name][2] for name in types)
    if len(body) % row_size:
        raise CopyFormatError(
            "Binary COPY rows are not the expected fixed-width columns (a NULL, or another "
            f"type than {', '.join(types)})."
        )
    count = len(body) // row_size
    return _parse_numpy(body, types, count)


def _mismatch(types):
    return CopyFormatError(
        f"Binary COPY rows do not hold the expected columns ({', '.join(types)}): a NULL or "
        "another type."
    )


def _parse_numpy(body, types, count):
    fields = [("count", ">i2")]
    for position, name in enumerate(types):
        fields += [(f"length{position}", ">i4"), (f"value{position}", TYPES[name][0])]
    rows = numpy.frombuffer(body, numpy.dtype(fields), count)
    if count and (rows["count"] != len(types)).any():
        raise _mismatch(types)
    columns = []
    for position, name in enumerate(types):
        if count and (rows[f"length{position}"] != TYPES[name][2]).any():
            raise _mismatch(types)
        columns.append(rows[f"value{position}"].astype(TYPES[name][0].replace(">", "=")))
    return columns


def build_rows(columns, types):
    """Binary COPY input (for ``COPY table (columns) FROM STDIN (FORMAT binary)``) of the
    rows made of ``columns`` (aligned sequences of numbers, no None), whose SQL types are
    ``types`` (see :data:`WRITE_TYPES`). Integer columns must hold integers within their
    type's range (a float column is refused rather than silently truncated)."""
    types = list(types)
    columns = [numpy.asarray(column) for column in columns]
    unknown = [name for name in types if name not in WRITE_TYPES]
    if unknown or not types:
        raise CopyFormatError(f"Unsupported column types: {unknown or 'none'}.")
    if len(columns) != len(types):
        raise ValueError(f"{len(columns)} columns for {len(types)} types.")
    count = len(columns[0])
    fields = [("count", ">i2")]
    for position, name in enumerate(types):
        fields += [(f"length{position}", ">i4"), (f"value{position}", WRITE_TYPES[name])]
    rows = numpy.empty(count, numpy.dtype(fields))
    rows["count"] = len(types)
    for position, (name, column) in enumerate(zip(types, columns, strict=True)):
        if column.ndim != 1 or len(column) != count:
            raise ValueError(f"Column {position} does not hold {count} values.")
        if name == "bool":
            column = column.astype(bool)
        elif name == "float8":
            column = column.astype(float)
        else:
            if count and column.dtype.kind not in "iub":
                raise ValueError(f"Column {position} ({name}) does not hold integers.")
            limits = numpy.iinfo(numpy.dtype(WRITE_TYPES[name]))
            if count and (column.min() < limits.min or column.max() > limits.max):
                raise ValueError(f"Column {position} holds a number out of {name}'s range.")
        rows[f"length{position}"] = numpy.dtype(WRITE_TYPES[name]).itemsize
        rows[f"value{position}"] = column
    return SIGNATURE + struct.pack(">II", 0, 0) + rows.tobytes() + TRAILER


def round_as_text(values):
    """``values`` (floats) rounded to 2 decimals exactly as ``float("%.2f" % value)`` rounds
    each (the exact binary value, half to even), as a float array: what PostgreSQL stores
    from that text. In numpy, ``rint(value * 100) / 100``, except where ``value * 100`` is
    within rounding error of a tie, or too large for the product to be exact: the few such
    values get Python's formatting."""
    values = numpy.asarray(values, float)
    scaled = values * 100
    rounded = numpy.rint(scaled) / 100
    unsure = (numpy.abs(scaled - numpy.floor(scaled) - 0.5) < 1e-6) | ~(
        numpy.abs(scaled) < ROUND_EXACT_LIMIT
    )
    for position in numpy.flatnonzero(unsure).tolist():
        rounded[position] = float("%.2f" % values[position])
    return rounded
