"""A tiny static Linux program, written byte by byte, that prints ``Hello World``.

The demo image needs something to run, and building it must not need the network or a
compiler. These few instructions call ``write(1, msg, 12)`` then ``exit(0)``; the same
message is wrapped in a minimal ELF executable for amd64 or arm64.
"""

from __future__ import annotations

import struct

MESSAGE = b"Hello World\n"
LOAD_ADDRESS = 0x400000
HEADERS_SIZE = 64 + 56  # one ELF header, one program header

# x86_64: mov eax,1 / mov edi,1 / lea rsi,[rip+16] / mov edx,12 / syscall /
#         mov eax,60 / xor edi,edi / syscall
_AMD64_CODE = bytes.fromhex("b801000000bf01000000488d3510000000ba0c0000000f05b83c00000031ff0f05")

# aarch64: mov x0,#1 / adr x1,msg / mov x2,#12 / mov x8,#64 (write) / svc #0 /
#          mov x0,#0 / mov x8,#93 (exit) / svc #0
_ARM64_WORDS = [
    0xD2800020,
    0x100000E1,
    0xD2800182,
    0xD2800808,
    0xD4000001,
    0xD2800000,
    0xD2800BA8,
    0xD4000001,
]

_MACHINES = {"amd64": (62, _AMD64_CODE), "arm64": (183, struct.pack("<8I", *_ARM64_WORDS))}


def hello_program(architecture: str) -> bytes:
    """Return a static ELF executable for ``amd64`` or ``arm64`` that prints Hello World."""
    machine, code = _MACHINES[architecture]
    size = HEADERS_SIZE + len(code) + len(MESSAGE)
    entry = LOAD_ADDRESS + HEADERS_SIZE
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)  # 64-bit, little-endian, SysV
    header = ident + struct.pack(
        "<HHIQQQIHHHHHH", 2, machine, 1, entry, 64, 0, 0, 64, 56, 1, 0, 0, 0
    )
    program = struct.pack("<IIQQQQQQ", 1, 5, 0, LOAD_ADDRESS, LOAD_ADDRESS, size, size, 0x1000)
    return header + program + code + MESSAGE
