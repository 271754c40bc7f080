"""The index of the one file's section (``freeze/section.py``): what the folder build is made
of, and where each part lies.

The index gives each frame's size, the size of the piece of the tar it holds and its SHA-256, then
the tar's members (``Member``): where each file's contents lie in the tar, so that each frame can
be written to the files it holds as soon as it is decompressed, without reading the tar's
headers in order. The SHA-256 in the section's header vouches for the index, and through it for
every frame; a launch checks each frame against its own Zstandard checksum instead (which finds
damage, not forgery: the header's SHA-256 is in the same file), and checks that the table fits
the tar before it trusts it.
"""

import json
import os
import struct
from typing import BinaryIO, NamedTuple

from freeze.section import DamagedExecutable

COUNTS = struct.Struct("<II")  # the index: how many frames, and the members' table's length,
FRAME = struct.Struct("<QQ32s")  # then each frame's size, its piece's size and its SHA-256,
# then the table of members, as JSON: a list of lists of Member's fields.


class Frame(NamedTuple):
    """Where a compressed frame lies in the executable, its SHA-256, and which piece of the tar
    it holds: ``length`` bytes from ``start``."""

    offset: int
    size: int
    digest: bytes
    start: int
    length: int


KINDS = ("file", "folder", "link")


class Member(NamedTuple):
    """A file, folder or symbolic link of the tar, by its relative name, and for a file where
    its contents lie in the tar: ``size`` bytes from ``start``."""

    name: str
    kind: str  # "file", "folder" or "link"
    mode: int
    mtime: int
    start: int = 0
    size: int = 0
    target: str = ""  # a link's


class Contents(NamedTuple):
    """What the section's index says: its frames and the tar's members."""

    frames: list[Frame]
    members: list[Member]


def index(frames: list[tuple[int, int, bytes]], members: list[Member]) -> bytes:
    """The index, given each compressed frame's size, its piece's size and its SHA-256, and
    the tar's members."""
    table = json.dumps([list(member) for member in members], separators=(",", ":")).encode()
    return (
        COUNTS.pack(len(frames), len(table))
        + b"".join(FRAME.pack(*frame) for frame in frames)
        + table
    )


def read_index(file: BinaryIO, offset: int, size: int, digest: bytes) -> Contents:
    """The frames and members of the section whose index starts at ``offset``
    (``find_section``), once the index is checked against ``digest`` and the frames against
    the section's ``size``."""
    import hashlib  # only a launch that unpacks reads the index

    file.seek(offset)
    header = file.read(COUNTS.size)
    count, table_size = COUNTS.unpack(header) if len(header) == COUNTS.size else (0, 0)
    entries = file.read(min(count * FRAME.size + table_size, size))
    if not count or len(entries) != count * FRAME.size + table_size:
        raise DamagedExecutable("its index of contents is cut short")
    if hashlib.sha256(header + entries).digest() != digest:
        raise DamagedExecutable("its index of contents does not match its checksum")
    frames, offset_in_file, start = [], offset + COUNTS.size + len(entries), 0
    for frame_size, length, frame_digest in FRAME.iter_unpack(entries[: count * FRAME.size]):
        frames.append(Frame(offset_in_file, frame_size, frame_digest, start, length))
        offset_in_file += frame_size
        start += length
    if offset_in_file != offset + size:
        raise DamagedExecutable("its contents do not fill its section")
    try:
        members = [Member(*fields) for fields in json.loads(entries[count * FRAME.size :])]
    # Vouched for by the checksum: a packing bug, or a forged file.
    except (ValueError, TypeError, RecursionError) as error:
        raise DamagedExecutable("its table of contents is unreadable") from error
    return Contents(frames, fitting(members, start))


def is_a_file_name(text: str) -> bool:
    """Whether ``text`` can name a file (or be a link's target) on this system."""
    try:
        return b"\0" not in os.fsencode(text)
    except UnicodeEncodeError:
        return False


def fitting(members: list[Member], length: int) -> list[Member]:
    """``members``, once checked to fit a tar of ``length`` bytes: each named once, of a known
    kind, with fields of the right types and ranges, and the files in the tar's order, apart
    and inside it."""
    end, names = 0, set()
    for member in members:
        texts, numbers = [member.name, member.target], [*member[2:6]]
        if (
            member.kind not in KINDS
            or not all(isinstance(text, str) and is_a_file_name(text) for text in texts)
            or not all(type(number) is int and 0 <= number < 2**63 for number in numbers)
            or member.name in names
        ):
            raise DamagedExecutable(f"its table of contents is malformed at {member.name!r}")
        names.add(member.name)
        if member.kind == "file":
            if member.start < end or member.start + member.size > length:
                raise DamagedExecutable(f"its table of contents misplaces {member.name!r}")
            end = member.start + member.size
    return members
