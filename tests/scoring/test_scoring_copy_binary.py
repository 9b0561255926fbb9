"""The binary COPY reader, on streams built by hand after PostgreSQL's documented format."""

import math
import struct

import numpy
import pytest

from social_crm_scoring.scoring.copy_binary import (
    SIGNATURE,
    CopyFormatError,
    build_rows,
    copy_sql,
    parse_columns,
    round_as_text,
)

CODES = {"int4": ">i", "int8": ">q", "float8": ">d"}


def stream(types, rows, extension=b"", trailer=True):
    """Binary COPY output: signature, flags, header extension, rows, trailer; a value None
    is written as NULL (length -1, no data)."""
    data = SIGNATURE + struct.pack(">iI", 0, len(extension)) + extension
    for row in rows:
        data += struct.pack(">h", len(row))
        for name, value in zip(types, row, strict=True):
            if value is None:
                data += struct.pack(">i", -1)
            else:
                packed = struct.pack(CODES[name], value)
                data += struct.pack(">i", len(packed)) + packed
    return data + (b"\xff\xff" if trailer else b"")


def plain(columns):
    return [list(column) for column in columns]


def test_columns_of_each_type():
    types = ("int4", "int8", "float8")
    rows = [(1, 2**40, 0.5), (-7, -1, 1e300), (2**31 - 1, 0, -0.25)]
    columns = parse_columns(stream(types, rows), types)
    assert plain(columns) == [[1, -7, 2**31 - 1], [2**40, -1, 0], [0.5, 1e300, -0.25]]
    assert [column.dtype.kind for column in columns] == ["i", "i", "f"]
    assert all(column.dtype.isnative for column in columns)


def test_no_rows():
    columns = parse_columns(stream(("int4", "float8"), []), ("int4", "float8"))
    assert plain(columns) == [[], []]


def test_header_extension_is_skipped():
    data = stream(("int4",), [(5,), (6,)], extension=b"\x00\x01\x02")
    assert plain(parse_columns(data, ("int4",))) == [[5, 6]]


def test_null_is_refused():
    data = stream(("int4", "float8"), [(1, 2.0), (2, None)])
    with pytest.raises(CopyFormatError, match="NULL"):
        parse_columns(data, ("int4", "float8"))


def test_null_that_keeps_the_length_is_refused():
    # an int4 NULL and an extra int4 make a row as long as an expected int8 one
    data = SIGNATURE + struct.pack(">iI", 0, 0)
    data += struct.pack(">hii", 2, -1, 4) + struct.pack(">i", 9) + struct.pack(">i", 0)
    data += b"\xff\xff"
    with pytest.raises(CopyFormatError):
        parse_columns(data, ("int4", "int8"))


def test_other_types_are_refused():
    data = stream(("int8",), [(1,)])
    with pytest.raises(CopyFormatError, match="int4"):
        parse_columns(data, ("int4",))
    with pytest.raises(CopyFormatError, match="Unsupported"):
        parse_columns(data, ("numeric",))


def test_not_copy_output_or_truncated():
    with pytest.raises(CopyFormatError, match="signature"):
        parse_columns(b"1\t2\n", ("int4",))
    with pytest.raises(CopyFormatError, match="Truncated"):
        parse_columns(stream(("int4",), [(1,)], trailer=False), ("int4",))
    with pytest.raises(CopyFormatError):
        parse_columns(stream(("int4",), [(1,), (2,)])[:-5] + b"\xff\xff", ("int4",))


def test_copy_statement():
    assert copy_sql("SELECT 1") == "COPY (SELECT 1) TO STDOUT (FORMAT binary)"


def test_large_stream():
    types = ("int4", "float8", "int4")
    rows = [(index, index / 7, index % 3) for index in range(20000)]
    data = stream(types, rows)
    assert plain(parse_columns(data, types)) == [list(column) for column in zip(*rows, strict=True)]


def test_unknown_critical_header_flags_are_refused():
    data = bytearray(stream(("int4",), [(1,)]))
    data[len(SIGNATURE) : len(SIGNATURE) + 4] = struct.pack(">I", 1 << 16)  # OIDs included
    with pytest.raises(CopyFormatError, match="flags"):
        parse_columns(bytes(data), ("int4",))


def test_score_table_of_copied_arrays_matches_lists():
    """The run feeds the columns COPY gives (numpy arrays): the same table as from lists."""
    import numpy

    from social_crm_scoring.scoring import compute_score_table

    ids = list(range(1, 201))
    columns = {
        "followers": [(index * 37) % 1000 for index in ids],
        "identities": [1 + index % 3 for index in ids],
        "posts": [index % 7 for index in ids],
        "reactions": [(index * 13) % 90 for index in ids],
        "mentions": [(index % 5) / 2 for index in ids],
    }
    edges = [(index, 1 + (index * 7) % 200, 1.0) for index in ids]
    lists = compute_score_table(ids, columns, edges)
    arrays = compute_score_table(
        ids,
        {name: numpy.array(column, float) for name, column in columns.items()},
        numpy.array(edges, float),
    )
    for name in ("score", "rank", "raw_total", "tier", "is_influencer"):
        assert getattr(arrays, name).tolist() == getattr(lists, name).tolist()
    assert arrays.network.lift.tolist() == lists.network.lift.tolist()


def test_build_rows_read_back():
    """Rows built for COPY FROM read back as the same columns (the formats are the same)."""
    types = ("int4", "float8", "int8")
    built = build_rows([[1, -2, 3], [0.5, 1e300, -0.25], [2**40, 0, -1]], types)
    assert built.startswith(SIGNATURE) and built.endswith(b"\xff\xff")
    columns = parse_columns(built, types)
    assert plain(columns) == [[1, -2, 3], [0.5, 1e300, -0.25], [2**40, 0, -1]]


def test_build_rows_by_hand():
    """Each row: field count, then length and big-endian value per field."""
    built = build_rows([[7], [1.5], [False]], ("int4", "float8", "bool"))
    row = struct.pack(">hi", 3, 4) + struct.pack(">i", 7) + struct.pack(">i", 8)
    row += struct.pack(">d", 1.5) + struct.pack(">i", 1) + b"\x00"
    assert built == SIGNATURE + struct.pack(">II", 0, 0) + row + b"\xff\xff"
    assert build_rows([[], []], ("int4", "float8")) == (
        SIGNATURE + struct.pack(">II", 0, 0) + b"\xff\xff"
    )


def test_build_rows_refuses_bad_columns():
    with pytest.raises(CopyFormatError):
        build_rows([[1]], ("numeric",))
    with pytest.raises(ValueError, match="integers"):
        build_rows([[1.5]], ("int4",))
    with pytest.raises(ValueError, match="range"):
        build_rows([[2**31]], ("int4",))
    with pytest.raises(ValueError, match="values"):
        build_rows([[1, 2], [1.0]], ("int4", "float8"))
    with pytest.raises(ValueError, match="columns"):
        build_rows([[1]], ("int4", "int4"))


def test_round_as_text_is_the_text_format():
    """The rows' numbers are those the COPY text "%.2f" gave: ties (0.125, 2.675), values
    just beside them, large numbers, negative ones and random ones alike."""
    rng = numpy.random.default_rng(11)
    values = [0.125, 0.375, 2.675, 1.005, 0.005, -0.005, 1e-9, 12.5, 1e12 + 0.125, 3e15, 0.0]
    values += [math.nextafter(v, math.inf) for v in values]
    values += [math.nextafter(v, -math.inf) for v in values]
    values += list(rng.random(20000) * 100) + list(rng.lognormal(3, 4, 20000))
    values += [k / 200 for k in range(2000)]
    rounded = round_as_text(values)
    assert [float("%.2f" % v) for v in values] == rounded.tolist()
