"""Run a command where creating a user namespace fails, as it does under Docker's default seccomp
profile (EPERM) or Ubuntu's AppArmor restriction without its profile for user namespaces
(EACCES): ``python tests/deny_user_namespaces.py EACCES -- COMMAND [ARG...]``.

It installs a seccomp filter that fails clone() and unshare() with CLONE_NEWUSER with that errno
and clone3() with ENOSYS (its flags are out of a filter's reach, so callers fall back to clone),
then executes the command, which keeps the filter, as do all its children. x86_64 only.
"""

import ctypes
import errno
import os
import platform
import struct
import sys

AUDIT_ARCH_X86_64 = 0xC000003E
SYS_CLONE, SYS_UNSHARE, SYS_CLONE3 = 56, 272, 435
CLONE_NEWUSER = 0x10000000
PR_SET_SECCOMP, SECCOMP_MODE_FILTER, PR_SET_NO_NEW_PRIVS = 22, 2, 38
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
# Offsets into struct seccomp_data: the syscall number, the architecture, the first argument.
NR, ARCH, FIRST_ARGUMENT = 0, 4, 16
# Classic BPF: load a word, jump if equal, jump if any bit is set, return.
LOAD, JUMP_IF_EQUAL, JUMP_IF_SET, RETURN = 0x20, 0x15, 0x45, 0x06


def instruction(code: int, if_true: int, if_false: int, k: int) -> bytes:
    return struct.pack("HBBI", code, if_true, if_false, k)


def filter_program(denial: int) -> list[bytes]:
    """A seccomp filter that denies user namespaces with ``denial`` (an errno)."""
    return [
        instruction(LOAD, 0, 0, ARCH),
        instruction(JUMP_IF_EQUAL, 1, 0, AUDIT_ARCH_X86_64),
        instruction(RETURN, 0, 0, SECCOMP_RET_ALLOW),
        instruction(LOAD, 0, 0, NR),
        instruction(JUMP_IF_EQUAL, 0, 1, SYS_CLONE3),
        instruction(RETURN, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS),
        instruction(JUMP_IF_EQUAL, 1, 0, SYS_CLONE),
        instruction(JUMP_IF_EQUAL, 0, 3, SYS_UNSHARE),
        instruction(LOAD, 0, 0, FIRST_ARGUMENT),  # the flags' low 32 bits, CLONE_NEWUSER's
        instruction(JUMP_IF_SET, 0, 1, CLONE_NEWUSER),
        instruction(RETURN, 0, 0, SECCOMP_RET_ERRNO | denial),
        instruction(RETURN, 0, 0, SECCOMP_RET_ALLOW),
    ]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def deny_user_namespaces(denial: int) -> None:
    """Fail user namespace creation with ``denial`` in this process and its children from now."""
    program = filter_program(denial)
    code = ctypes.create_string_buffer(b"".join(program))
    libc = ctypes.CDLL(None, use_errno=True)
    # Without "no new privileges", only root may install a filter; with it, setuid programs
    # run later keep it too.
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    fprog = SockFprog(len(program), ctypes.addressof(code))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--" or not hasattr(errno, argv[0]):
        sys.exit(f"usage: {sys.argv[0]} ERRNO_NAME -- COMMAND [ARG...]")
    if platform.machine() != "x86_64":
        sys.exit(f"{sys.argv[0]}: the filter is written for x86_64, not {platform.machine()}")
    deny_user_namespaces(getattr(errno, argv[0]))
    os.execvp(argv[2], argv[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
