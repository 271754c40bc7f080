"""The section of the one-file executable that carries the folder build, as ``freeze/pack.py``
writes it and the one file's own program (``freeze/front.py``, ``freeze/onefile.py``) reads it.

It is an ELF section named ``flasky_build``: a header (the magic and the SHA-256 of the index),
the index, then the folder build as one tar cut into pieces, each compressed with Zstandard as a
frame of its own, so that the pieces can be checked and decompressed on every core at once. The
frames, one after the other, are a Zstandard stream of the whole tar (``zstd -d`` reads them).

Every launch of the one file finds the section and reads its header (``freeze/front.py``), so this
module imports only ``os`` and ``struct``. The index, which only a launch that unpacks reads, is
``freeze/contents.py``'s.
"""

import os
import struct

SECTION = "flasky_build"
MAGIC = b"flasky-build/3\0\0"
HEADER = struct.Struct("<16s32s")  # the section starts with the magic and the index's SHA-256


class DamagedExecutable(Exception):
    """The executable's build is missing, cut short or altered."""


def build_id(digest: bytes) -> str:
    """A build's id, which names its folder in the cache: the start of its SHA-256."""
    return digest.hex()[:16]


def find_section(executable: str | os.PathLike) -> tuple[int, int, bytes]:
    """The offset and size of the compressed tar in ``executable``, and its SHA-256."""
    elf_header = struct.Struct("<6s34xQ10xHHH")  # ident; e_shoff; e_shentsize, e_shnum, e_shstrndx
    section_header = struct.Struct("<I20xQQ")  # sh_name; sh_offset, sh_size
    try:
        with open(executable, "rb") as file:
            end = file.seek(0, os.SEEK_END)
            file.seek(0)
            magic, table, entry_size, count, names_index = elf_header.unpack(
                file.read(elf_header.size)
            )
            if magic != b"\x7fELF\x02\x01":  # 64-bit, little-endian: what the headers above read
                raise DamagedExecutable("it is not a 64-bit little-endian ELF executable")
            file.seek(table)
            headers = [
                section_header.unpack(file.read(entry_size)[: section_header.size])
                for _ in range(count)
            ]
            if any(offset + size > end for _, offset, size in headers):
                raise DamagedExecutable("it is cut short")
            _, names_offset, names_size = headers[names_index]
            file.seek(names_offset)
            names = file.read(names_size)
            for name, offset, size in headers:
                is_ours = names[name : names.index(b"\0", name)] == SECTION.encode()
                if is_ours and size > HEADER.size:
                    file.seek(offset)
                    magic, digest = HEADER.unpack(file.read(HEADER.size))
                    if magic == MAGIC:
                        return offset + HEADER.size, size - HEADER.size, digest
    except (struct.error, ValueError, IndexError, OSError) as error:
        raise DamagedExecutable("its ELF headers are unreadable") from error
    raise DamagedExecutable("it carries no app")
