"""Packing the one-file executable at build time: the folder build added to a small program.

PyInstaller's own one-file mode unpacks everything, Qt Web Engine's 350 MB included, into a new
temporary folder at every launch, and compresses it with zlib. Instead, build.spec freezes
``freeze/front.py`` (with ``freeze/onefile.py`` behind it) as a small one-file program and
``pack`` adds the folder build to it, as one tar cut into pieces of ``FRAME_SIZE``, each
compressed with Zstandard on its own (so that a first launch decompresses them on every core),
with an index of where each file lies in the tar (so that each frame can be written to its files
as soon as it is decompressed), in an ELF section of its own (``freeze/section.py``) beside
PyInstaller's ``pydata`` (Linux only: on Windows and macOS build.spec makes PyInstaller's own
bundles).

The tar depends only on the folder's names, contents and executable bits, and on the date it is
given, so that the same commit packs into the same bytes wherever and whenever it is built.
"""

import hashlib
import os
import shutil
import subprocess
import tarfile
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import BinaryIO

from freeze.contents import Member, index
from freeze.section import HEADER, MAGIC, SECTION, build_id

FRAME_SIZE = 16 << 20  # of the tar, in each frame: many enough frames to keep every core busy
# Level 18, not 19: within 0.5 % of 19's size for the folder build (118.6 against 118.1 MB), and
# a first launch, which waits for every frame, decompresses it 15 to 20 % sooner.
LEVEL = 18


def normalized(member: tarfile.TarInfo, mtime: int) -> tarfile.TarInfo:
    """``member`` as any build of the same files gives it: dated ``mtime``, without the build
    machine's user and group (the files are the unpacking user's), and with a mode of 755 or
    644 whatever the build machine's umask."""
    member.mtime = mtime  # a whole second: a fraction would add a PAX header
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    if not member.issym():
        member.mode = 0o755 if member.isdir() or member.mode & 0o100 else 0o644
    return member


def write_tar(folder: Path, stream: BinaryIO, mtime: int) -> None:
    """Write the files, folders and links under ``folder`` to ``stream`` as a tar, in name
    order, every member dated ``mtime`` (seconds since 1970)."""
    with tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            tar.add(path, name, recursive=False, filter=partial(normalized, mtime=mtime))


def members_of(tar: BinaryIO) -> list[Member]:
    """The members of ``tar`` (a file of it, read from its start), in its order."""
    kinds = {tarfile.REGTYPE: "file", tarfile.DIRTYPE: "folder", tarfile.SYMTYPE: "link"}
    members = []
    with tarfile.open(fileobj=tar, mode="r:") as archive:
        for entry in archive:
            if entry.type not in kinds:
                raise ValueError(f"{entry.name}: a kind of file the one file does not unpack")
            members.append(
                Member(
                    entry.name,
                    kinds[entry.type],
                    entry.mode,
                    entry.mtime,
                    entry.offset_data if entry.isfile() else 0,
                    entry.size,
                    entry.linkname,
                )
            )
    return members


def compress_frames(
    tar: BinaryIO, output: BinaryIO, level: int, frame_size: int = FRAME_SIZE
) -> list[tuple[int, int, bytes]]:
    """Write ``tar`` to ``output`` as Zstandard frames of ``frame_size`` bytes of it each;
    return each frame's size, the size of the piece it holds, and its SHA-256."""
    import zstandard  # only the build environment has it, and the one file

    # Each frame is compressed alone, by one thread: the bytes do not depend on the number of
    # threads, nor on the machine.
    parameters = zstandard.ZstdCompressionParameters.from_level(
        level, window_log=max(frame_size.bit_length() - 1, 10), enable_ldm=True, write_checksum=True
    )

    def compress(piece: bytes) -> bytes:
        return zstandard.ZstdCompressor(compression_params=parameters).compress(piece)

    frames = []
    pieces = iter(partial(tar.read, frame_size), b"")
    with ThreadPoolExecutor(os.cpu_count()) as workers:
        for piece, frame in workers.map(lambda piece: (len(piece), compress(piece)), pieces):
            output.write(frame)
            frames.append((len(frame), piece, hashlib.sha256(frame).digest()))
    return frames


def pack(stub: Path, folder: Path, output: Path, mtime: int, level: int = LEVEL) -> str:
    """Write ``output``: ``stub`` with ``folder``, as a compressed tar, in a section of its own.

    Returns the build id.
    """
    tar = output.with_name(output.name + ".tar")
    frames = output.with_name(output.name + ".frames")
    section = output.with_name(output.name + ".section")
    try:
        with tar.open("w+b") as uncompressed, frames.open("w+b") as compressed:
            write_tar(folder, uncompressed, mtime)
            uncompressed.seek(0)
            members = members_of(uncompressed)
            uncompressed.seek(0)
            contents = index(compress_frames(uncompressed, compressed, level), members)
            digest = hashlib.sha256(contents).digest()
            compressed.seek(0)
            with section.open("wb") as out:
                out.write(HEADER.pack(MAGIC, digest) + contents)
                shutil.copyfileobj(compressed, out)
    finally:
        tar.unlink(missing_ok=True)
        frames.unlink(missing_ok=True)
    # PyInstaller's bootloader looks for its archive near the end of the file, so the build
    # goes in before PyInstaller's section: take that out, add the build, put it back.
    pydata = output.with_name(output.name + ".pydata")
    try:
        for command in [
            ["--dump-section", f"pydata={pydata}", stub],
            ["--remove-section", "pydata", "--add-section", f"{SECTION}={section}", stub, output],
            ["--add-section", f"pydata={pydata}", output],
        ]:
            subprocess.run(["objcopy", *map(str, command)], check=True)
    finally:
        section.unlink()
        pydata.unlink(missing_ok=True)
    return build_id(digest)
