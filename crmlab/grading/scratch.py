"""A job's scratch folder: a size-limited file system where the grader can make one, and a
removal that always ends.

As root on Linux the scratch folder is a **tmpfs** of ``disk + 16`` MB and :data:`INODES` files
and folders, mounted by the grader (which reads the job's exported values there): its use counts
files deleted while still open, a tree too deep to walk stops at the inode limit, and one lazy
unmount removes everything. Elsewhere it is a plain folder, and :func:`remove_tree` removes it
whatever a job left there: any depth (it holds two descriptors, never a path longer than one
name), folders without permissions, never following a link or crossing into another file
system; it answers False instead of raising, so the caller retires the folder rather than
giving it to another job.
"""

from __future__ import annotations

import ctypes
import os
import stat

__all__ = ["INODES", "MARGIN", "mount_tmpfs", "unmount", "used", "inodes_left", "remove_tree"]

#: Files and folders a tmpfs scratch folder holds (a kernel makes a few dozen).
INODES = 4096
#: Bytes a tmpfs scratch folder holds beyond the disk limit: the exported values still fit when
#: a notebook filled its share, and the watcher sees it past the limit.
MARGIN = 16 * 2 ** 20
MS_NOSUID, MS_NODEV, MS_NOEXEC, MNT_DETACH = 2, 4, 8, 2


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def mount_tmpfs(folder, *, size: int, uid: int, gid: int) -> None:
    """Mount a tmpfs of ``size`` bytes and :data:`INODES` inodes on ``folder``, owned by the
    job (no set-uid, devices or executables)."""
    options = f"size={int(size)},nr_inodes={INODES},mode=0700,uid={int(uid)},gid={int(gid)}"
    if _libc().mount(b"tmpfs", os.fsencode(folder), b"tmpfs",
                     ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_NOEXEC), options.encode()) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount tmpfs on {folder}: {os.strerror(errno)}")


def unmount(folder) -> bool:
    """Detach the file system mounted on ``folder`` (lazily: open files keep it alive)."""
    return _libc().umount2(os.fsencode(folder), ctypes.c_int(MNT_DETACH)) == 0


def is_mount(folder) -> bool:
    """Whether ``folder`` is a mount point (its device differs from its parent's)."""
    try:
        return os.lstat(folder).st_dev != os.lstat(os.path.dirname(os.path.abspath(folder))).st_dev
    except OSError:
        return False


def used(folder) -> int:
    """Bytes in use on the file system of ``folder`` (deleted but open files included)."""
    info = os.statvfs(folder)
    return (info.f_blocks - info.f_bfree) * info.f_frsize


def inodes_left(folder) -> int:
    """Files and folders that can still be made on the file system of ``folder``."""
    return os.statvfs(folder).f_ffree


def remove_tree(top, *, budget: int = 2_000_000) -> bool:
    """Remove ``top`` and everything under it; False, never an exception, when it could not.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> top = pathlib.Path(tempfile.mkdtemp())
    >>> deep = top.joinpath(*["d"] * 50)
    >>> deep.mkdir(parents=True)
    >>> _ = (deep / "f.txt").write_text("x")
    >>> deep.parent.chmod(0)
    >>> remove_tree(top), top.exists()
    (True, False)
    >>> remove_tree(top)  # nothing left to remove
    True
    """
    top = os.path.abspath(top)
    try:
        info = os.lstat(top)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        try:
            os.unlink(top)
        except FileNotFoundError:
            pass
        except OSError:
            return False
        return True
    device, fd = info.st_dev, None
    try:
        parent = os.open(os.path.dirname(top), os.O_RDONLY | os.O_DIRECTORY)
        try:
            trail = [(os.fstat(parent).st_ino, os.path.basename(top))]  # (inode above, name)
            fd = _open_dir(parent, trail[0][1], device)
        finally:
            os.close(parent)
        while trail:
            budget -= 1
            child = None
            with os.scandir(fd) as entries:
                for entry in entries:
                    budget -= 1
                    if budget < 0:
                        return False
                    if entry.is_dir(follow_symlinks=False):
                        child = entry.name
                        break
                    try:
                        os.unlink(entry.name, dir_fd=fd)
                    except FileNotFoundError:
                        pass
            if child is not None:  # go down by name
                below = _open_dir(fd, child, device)
                trail.append((os.fstat(fd).st_ino, child))
                os.close(fd)
                fd = below
                continue
            # Empty: go up by ".." (checked to be the folder we came from) and remove it.
            above, name = trail.pop()
            up = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = up
            if os.fstat(fd).st_ino != above:
                return False  # the tree was moved while we walked it
            try:
                os.rmdir(name, dir_fd=fd)
            except FileNotFoundError:
                pass
        return True
    except OSError:
        return False
    finally:
        if fd is not None:
            os.close(fd)


def _open_dir(dir_fd: int, name: str, device: int) -> int:
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except PermissionError:  # a folder left without permissions (only a non-root grader minds)
        os.chmod(name, 0o700, dir_fd=dir_fd, follow_symlinks=False)
        fd = os.open(name, flags, dir_fd=dir_fd)
    info = os.fstat(fd)
    if info.st_dev != device:  # a mount point inside: never walk into another file system
        os.close(fd)
        raise OSError(f"{name}: another file system inside the folder")
    if info.st_mode & 0o700 != 0o700:
        os.chmod(fd, 0o700)
    return fd
