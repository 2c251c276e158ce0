#!/usr/bin/env python3
"""Writes a shard in the format of doc/FORMAT.md around given zstd data frames, for
drills that need hostile shards whose index frames are nevertheless well formed.

usage: drill_shard.py OUT FRAME_FILE...   (each FRAME_FILE holds one zstd frame; every
frame is indexed as holding one record at offset 0 of its first 64 bytes)
       drill_shard.py --strip-parity SHARD   (rewrites a shard in place as simshard wrote it
before parity: its data frames and record index as they are, then a version 1 seek table)
"""
import ctypes
import ctypes.util
import struct
import sys

_xx = ctypes.CDLL(ctypes.util.find_library("xxhash") or "libxxhash.so.0")
_xx.XXH64.restype = ctypes.c_uint64
_xx.XXH64.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]


def checksum32(data):
    return _xx.XXH64(data, len(data), 0) & 0xFFFFFFFF


def content_size(frame):
    """The frame content size from a zstd frame header (RFC 8878, 3.1.1.1)."""
    fhd = frame[4]
    fcs_flag, single, did_flag = fhd >> 6, (fhd >> 5) & 1, fhd & 3
    pos = 5 + (0 if single else 1) + [0, 1, 2, 4][did_flag]
    width = [1 if single else 0, 2, 4, 8][fcs_flag]
    value = int.from_bytes(frame[pos:pos + width], "little")
    return value + 256 if width == 2 else value


def strip_parity(path):
    data = open(path, "rb").read()
    footer = data[-36:]
    frames, records, index_at, data_bytes, version, _, _, magic = struct.unpack("<IIQQHHII", footer)
    assert magic == 0x44524853 and version == 2, "not a shard with parity"
    seek = data[-36 - 12 * frames:-36]
    data_end = sum(struct.unpack_from("<I", seek, 12 * i)[0] for i in range(frames))
    index = data[index_at:index_at + 8 + 32 * records + 4]
    footer = struct.pack("<IIQQHH", frames, records, data_end, data_bytes, 1, 0)
    footer += struct.pack("<II", checksum32(seek + footer), 0x44524853)
    table = struct.pack("<II", 0x184D2A5E, len(seek) + len(footer)) + seek + footer
    with open(path, "wb") as f:
        f.write(data[:data_end] + index + table)


def main():
    if sys.argv[1] == "--strip-parity":
        return strip_parity(sys.argv[2])
    out, frames = sys.argv[1], [open(p, "rb").read() for p in sys.argv[2:]]
    entries, seek = b"", b""
    for i, frame in enumerate(frames):
        size = content_size(frame)
        entries += struct.pack("<QQIIII", 0xB0B0000000000000 + i, i + 1, i, 0, min(size, 64) - 1, 0)
        seek += struct.pack("<III", len(frame), size & 0xFFFFFFFF, 0)
    index = struct.pack("<II", 0x184D2A5A, len(entries) + 4) + entries + struct.pack("<I", checksum32(entries))
    data = b"".join(frames)
    footer = struct.pack("<IIQQHH", len(frames), len(frames), len(data),
                         sum(content_size(f) for f in frames), 1, 0)
    footer += struct.pack("<II", checksum32(seek + footer), 0x44524853)
    table = struct.pack("<II", 0x184D2A5E, len(seek) + len(footer)) + seek + footer
    with open(out, "wb") as f:
        f.write(data + index + table)


if __name__ == "__main__":
    main()
