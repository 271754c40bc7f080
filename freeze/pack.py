"""Packing the one-file executable at build time: the folder build added to a small program.

PyInstaller's own one-file mode unpacks everything, Qt Web Engine's 350 MB included, into a new
temporary folder at every launch, and compresses it with zlib. Instead, build.spec freezes
``freeze/onefile.py`` alone as a small one-file program and ``pack`` adds the folder build to
it, as one tar compressed with Zstandard (a long window finds what the libraries share), in an
ELF section of its own (``freeze/section.py``) beside PyInstaller's ``pydata`` (Linux only: on
Windows and macOS build.spec makes PyInstaller's own bundles).

The tar depends only on the folder's names, contents and executable bits, and on the date it is
given, so that the same commit packs into the same bytes wherever and whenever it is built.
"""

import hashlib
import subprocess
import tarfile
from functools import partial
from pathlib import Path
from typing import BinaryIO

from freeze.section import HEADER, MAGIC, SECTION, build_id

WINDOW_LOG = 27  # 128 MiB: the most a decompressor accepts without being asked to


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


def pack(stub: Path, folder: Path, output: Path, mtime: int, level: int = 19) -> str:
    """Write ``output``: ``stub`` with ``folder``, as a compressed tar, in a section of its own.

    Returns the build id.
    """
    import zstandard  # only the build environment has it, and the one file

    # The output does not depend on the number of threads: Zstandard cuts the input into jobs
    # of a size set by the parameters alone.
    parameters = zstandard.ZstdCompressionParameters.from_level(
        level, window_log=WINDOW_LOG, enable_ldm=True, write_checksum=True, threads=-1
    )
    compressor = zstandard.ZstdCompressor(compression_params=parameters)
    section = output.with_name(output.name + ".section")
    with section.open("w+b") as out:
        out.write(HEADER.pack(MAGIC, bytes(32)))
        with compressor.stream_writer(out, closefd=False) as compressed:
            write_tar(folder, compressed, mtime)
        out.seek(HEADER.size)
        digest = hashlib.file_digest(out, "sha256").digest()
        out.seek(0)
        out.write(HEADER.pack(MAGIC, digest))
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
