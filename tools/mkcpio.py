#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""mkcpio: a folder becomes a cpio "newc" archive (the initrd format Pith
unpacks at boot), deterministically: names sorted, owners 0, mtimes 0.

  tools/mkcpio.py FOLDER OUT.cpio

As a module, entry() and trailer() build archives by hand (the boot tests
make damaged ones with them)."""

import os
import stat
import sys


def header(name, mode, size, ino=0, nlink=1, mtime=0, namesize=None,
           magic=b"070701"):
    """The 110-byte header; namesize defaults to len(name) + 1."""
    if namesize is None:
        namesize = len(name) + 1
    fields = [ino, mode, 0, 0, nlink, mtime, size, 0, 0, 0, 0, namesize, 0]
    return magic + b"".join(b"%08X" % (f & 0xffffffff) for f in fields)


def pad(b):
    return b + b"\0" * (-len(b) % 4)


def entry(name, mode, data=b"", ino=0):
    """One complete entry: header, name, NUL, padding, data, padding."""
    name = name.encode() if isinstance(name, str) else name
    return pad(header(name, mode, len(data), ino) + name + b"\0") + pad(data)


def trailer():
    return entry("TRAILER!!!", 0)


def archive(folder):
    out = []
    ino = 1
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(dirs) + sorted(files):
            path = os.path.join(top, name)
            rel = os.path.relpath(path, folder)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(path).encode()
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
            elif stat.S_ISDIR(st.st_mode):
                data = b""
            else:
                continue
            out.append(entry(rel, st.st_mode, data, ino))
            ino += 1
    return b"".join(out) + trailer()


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: mkcpio.py FOLDER OUT.cpio\n")
        return 2
    with open(argv[2], "wb") as f:
        f.write(archive(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
