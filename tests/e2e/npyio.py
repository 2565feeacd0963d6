"""Minimal reader/writer for NumPy .npy files holding small integer tensors.

Only what the end-to-end test scripts need, with no dependency on numpy:
little-endian, C-order arrays of int8, uint8, int16, int32 or float32, stored in
format version 1.0 (header padded so that the magic, the length field and
the header text together take a multiple of 64 bytes, exactly like numpy).

API (dtype strings are 'i8', 'u8', 'i16', 'i32', 'f32'):

    read_npy(path)                         -> (dtype_str, shape_tuple, values)
    write_npy(path, dtype_str, shape, values)

Can also be run as a script to print the contents of .npy files:

    python3 npyio.py FILE.npy [FILE.npy ...]
"""

import ast
import struct
import sys

MAGIC = b"\x93NUMPY"

# dtype string -> (descr written by numpy, struct code, min, max)
DTYPES = {
    "i8": ("|i1", "b", -128, 127),
    "u8": ("|u1", "B", 0, 255),
    "i16": ("<i2", "h", -32768, 32767),
    "i32": ("<i4", "i", -2147483648, 2147483647),
    "f32": ("<f4", "f", -float("inf"), float("inf")),
}

# descr accepted on reading -> dtype string
READ_DESCRS = {
    "|i1": "i8",
    "<i1": "i8",
    "|u1": "u8",
    "<u1": "u8",
    "<i2": "i16",
    "<i4": "i32",
    "<f4": "f32",
}


class NpyError(Exception):
    """Raised for malformed or unsupported .npy files or arguments."""


def num_elements(shape):
    """Return the number of elements of a tensor with the given shape."""
    count = 1
    for dim in shape:
        count *= dim
    return count


def _shape_repr(shape):
    """Format a shape the way numpy's header does: (3,) or (1, 4)."""
    if len(shape) == 1:
        return "(%d,)" % shape[0]
    return "(" + ", ".join(str(d) for d in shape) + ")"


def encode_npy(dtype, shape, values):
    """Return the bytes of a .npy file (format 1.0) for the given tensor."""
    if dtype not in DTYPES:
        raise NpyError("unsupported dtype %r (expected one of %s)"
                       % (dtype, ", ".join(sorted(DTYPES))))
    descr, code, lo, hi = DTYPES[dtype]
    shape = tuple(int(d) for d in shape)
    if any(d < 0 for d in shape):
        raise NpyError("negative dimension in shape %r" % (shape,))
    values = list(values)
    if len(values) != num_elements(shape):
        raise NpyError("shape %r needs %d values, got %d"
                       % (shape, num_elements(shape), len(values)))
    for index, value in enumerate(values):
        number = (int, float) if dtype == "f32" else int
        if not isinstance(value, number) or isinstance(value, bool):
            raise NpyError("value %d is not a number of %s: %r"
                           % (index, dtype, value))
        if value < lo or value > hi:
            raise NpyError("value %d = %d out of range for %s [%d, %d]"
                           % (index, value, dtype, lo, hi))
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        descr, _shape_repr(shape))
    # magic (6) + version (2) + header length (2) + header + '\n'
    prefix_len = len(MAGIC) + 2 + 2
    total = prefix_len + len(header) + 1
    padding = (64 - total % 64) % 64
    header_bytes = (header + " " * padding + "\n").encode("latin1")
    data = struct.pack("<%d%s" % (len(values), code), *values)
    return (MAGIC + b"\x01\x00" + struct.pack("<H", len(header_bytes))
            + header_bytes + data)


def write_npy(path, dtype, shape, values):
    """Write a tensor to PATH as a .npy file (format 1.0, C order)."""
    blob = encode_npy(dtype, shape, values)
    with open(path, "wb") as handle:
        handle.write(blob)


def decode_npy(blob, name="<bytes>"):
    """Parse the bytes of a .npy file; return (dtype, shape, values)."""
    if len(blob) < 10 or blob[:6] != MAGIC:
        raise NpyError("%s: not a .npy file (bad magic)" % name)
    major = blob[6]
    if major == 1:
        header_len = struct.unpack("<H", blob[8:10])[0]
        start = 10
    elif major in (2, 3):
        if len(blob) < 12:
            raise NpyError("%s: truncated header" % name)
        header_len = struct.unpack("<I", blob[8:12])[0]
        start = 12
    else:
        raise NpyError("%s: unsupported .npy format version %d.%d"
                       % (name, major, blob[7]))
    end = start + header_len
    if len(blob) < end:
        raise NpyError("%s: truncated header" % name)
    encoding = "utf8" if major == 3 else "latin1"
    text = blob[start:end].decode(encoding)
    try:
        header = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError) as exc:
        raise NpyError("%s: cannot parse header %r: %s" % (name, text, exc))
    if not isinstance(header, dict):
        raise NpyError("%s: header is not a dict" % name)
    for key in ("descr", "fortran_order", "shape"):
        if key not in header:
            raise NpyError("%s: header lacks %r" % (name, key))
    descr = header["descr"]
    if not isinstance(descr, str) or descr not in READ_DESCRS:
        raise NpyError("%s: unsupported dtype descr %r (supported: %s)"
                       % (name, descr, ", ".join(sorted(READ_DESCRS))))
    if header["fortran_order"]:
        raise NpyError("%s: fortran_order arrays are not supported" % name)
    shape = header["shape"]
    if (not isinstance(shape, tuple)
            or not all(isinstance(d, int) and d >= 0 for d in shape)):
        raise NpyError("%s: bad shape %r" % (name, shape))
    dtype = READ_DESCRS[descr]
    code = DTYPES[dtype][1]
    count = num_elements(shape)
    size = struct.calcsize("<" + code) * count
    data = blob[end:]
    if len(data) < size:
        raise NpyError("%s: expected %d data bytes, file has %d"
                       % (name, size, len(data)))
    if len(data) > size:
        raise NpyError("%s: %d trailing bytes after the data"
                       % (name, len(data) - size))
    values = list(struct.unpack("<%d%s" % (count, code), data))
    return dtype, tuple(shape), values


def read_npy(path):
    """Read a .npy file; return (dtype_str, shape_tuple, list_of_values)."""
    with open(path, "rb") as handle:
        blob = handle.read()
    return decode_npy(blob, path)


def main(argv):
    """Print dtype, shape and values of each .npy file named on the line."""
    if not argv:
        sys.stderr.write("usage: npyio.py FILE.npy [FILE.npy ...]\n")
        return 2
    status = 0
    for path in argv:
        try:
            dtype, shape, values = read_npy(path)
        except (OSError, NpyError) as exc:
            sys.stderr.write("error: %s\n" % exc)
            status = 1
            continue
        print("%s: %s %s %s" % (path, dtype, list(shape), values))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
