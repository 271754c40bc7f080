"""Packing the one-file executable at build time: the folder build added to a small program.

PyInstaller's own one-file mode unpacks everything, Qt Web Engine's 350 MB included, into a new
temporary folder at every launch, and compresses it with zlib. Instead, build.spec freezes
``freeze/onefile.py`` alone as a small one-file program and ``pack`` adds the folder build to
it, as one tar compressed with Zstandard (a long window finds what the libraries share), in an
ELF section of its own (``freeze/section.py``) beside PyInstaller's ``pydata`` (Linux only: on
Windows and macOS build.spec makes PyInstaller's own bundles).
"""

import hashlib
import subprocess
import tarfile
from pathlib import Path

import zstandard  # only the build environment has it, and the one file

from freeze.section import HEADER, MAGIC, SECTION, build_id

WINDOW_LOG = 27  # 128 MiB: the most a decompressor accepts without being asked to


def without_owner(member: tarfile.TarInfo) -> tarfile.TarInfo:
    """Drop the build machine's user and group: the files are the unpacking user's."""
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    return member


def pack(stub: Path, folder: Path, output: Path, level: int = 19) -> str:
    """Write ``output``: ``stub`` with ``folder``, as a compressed tar, in a section of its own.

    Returns the build id.
    """
    parameters = zstandard.ZstdCompressionParameters.from_level(
        level, window_log=WINDOW_LOG, enable_ldm=True, write_checksum=True, threads=-1
    )
    compressor = zstandard.ZstdCompressor(compression_params=parameters)
    section = output.with_name(output.name + ".section")
    with section.open("w+b") as out:
        out.write(HEADER.pack(MAGIC, bytes(32)))
        with (
            compressor.stream_writer(out, closefd=False) as compressed,
            tarfile.open(fileobj=compressed, mode="w|", format=tarfile.PAX_FORMAT) as tar,
        ):
            for path in sorted(folder.rglob("*")):
                name = path.relative_to(folder).as_posix()
                tar.add(path, name, recursive=False, filter=without_owner)
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
