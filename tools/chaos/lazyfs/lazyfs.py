#!/usr/bin/python3
"""A file system that forgets what was not fsynced, for the chaos harness' power cut.

Usage: lazyfs.py BACKING MOUNTPOINT CONTROL_FIFO

The idea is LazyFS's (Jepsen, 2022): a FUSE pass-through over BACKING whose writes stay in its own
memory ("page cache") until the writer calls fsync/fdatasync on that file, which writes them to
BACKING and fsyncs there. When the harness writes `crash` into CONTROL_FIFO (after kill -9 of the
node), every unsynced byte is dropped, exactly what a power cut does to a page cache, and the
reply `{"files": F, "bytes": B}` is appended to CONTROL_FIFO + ".out". So the power cut no longer
trusts the server's own record of its fsyncs: only fsyncs that reached the file system count.

Written in Python because fusepy (Debian's python3-fusepy, over libfuse2) is the well-kept FUSE
binding these machines can install; Node has none without a prebuilt binary download.

Semantics (as LazyFS's defaults): data is volatile until fsync; names are not (create, rename,
unlink and mkdir reach BACKING at once). Mounted with direct_io and zero cache timeouts, so the
kernel's own page cache cannot serve bytes this file system has dropped. Free space counts the
unsynced bytes as used (as delayed allocation reserves blocks), so a full tmpfs below still
answers ENOSPC to the write that does not fit.
"""
import errno
import json
import os
import sys
import threading

from fusepy import FUSE, FuseOSError, Operations


class Dirty:
    """A written file's current bytes, the length BACKING has, and the first offset that differs from BACKING (kept after fsync, clean)."""

    def __init__(self, content):
        self.data = bytearray(content)
        self.synced_len = len(content)
        self.low = len(content)

    def unsynced(self):
        return self.low < len(self.data) or self.synced_len != len(self.data)


class LazyFS(Operations):
    use_ns = True

    def __init__(self, root):
        self.root = root
        self.dirty = {}
        self.mutex = threading.Lock()

    def _path(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def _load(self, path):
        entry = self.dirty.get(path)
        if entry is None:
            with open(self._path(path), 'rb') as f:
                entry = Dirty(f.read())
            self.dirty[path] = entry
        return entry

    def _reserved(self):
        return sum(max(0, len(d.data) - d.synced_len) for d in self.dirty.values())

    def _free(self):
        st = os.statvfs(self.root)
        return st.f_bavail * st.f_frsize - self._reserved()

    # names: straight to BACKING
    def getattr(self, path, fh=None):
        with self.mutex:
            try:
                st = os.lstat(self._path(path))
            except OSError as e:
                raise FuseOSError(e.errno)
            attrs = {k: getattr(st, k) for k in ('st_mode', 'st_nlink', 'st_uid', 'st_gid', 'st_size', 'st_atime_ns', 'st_mtime_ns', 'st_ctime_ns')}
            attrs['st_atime'], attrs['st_mtime'], attrs['st_ctime'] = attrs.pop('st_atime_ns'), attrs.pop('st_mtime_ns'), attrs.pop('st_ctime_ns')
            if path in self.dirty:
                attrs['st_size'] = len(self.dirty[path].data)
            return attrs

    def readdir(self, path, fh):
        return ['.', '..'] + os.listdir(self._path(path))

    def access(self, path, amode):
        if not os.access(self._path(path), amode):
            raise FuseOSError(errno.EACCES)

    def mkdir(self, path, mode):
        os.mkdir(self._path(path), mode)

    def rmdir(self, path):
        os.rmdir(self._path(path))

    def unlink(self, path):
        with self.mutex:
            os.unlink(self._path(path))
            self.dirty.pop(path, None)

    def rename(self, old, new):
        with self.mutex:
            os.rename(self._path(old), self._path(new))
            self.dirty.pop(new, None)
            if old in self.dirty:
                self.dirty[new] = self.dirty.pop(old)

    def chmod(self, path, mode):
        os.chmod(self._path(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._path(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self._path(path), ns=times)

    def statfs(self, path):
        st = os.statvfs(self.root)
        used = -(-self._reserved() // st.f_frsize)
        return {'f_bsize': st.f_bsize, 'f_frsize': st.f_frsize, 'f_blocks': st.f_blocks, 'f_bfree': max(0, st.f_bfree - used), 'f_bavail': max(0, st.f_bavail - used), 'f_files': st.f_files, 'f_ffree': st.f_ffree, 'f_favail': st.f_favail, 'f_namemax': st.f_namemax}

    def create(self, path, mode, fi=None):
        with self.mutex:
            os.close(os.open(self._path(path), os.O_CREAT | os.O_WRONLY | os.O_TRUNC, mode))
            self.dirty.pop(path, None)
        return 0

    def open(self, path, flags):
        if not os.path.exists(self._path(path)):
            raise FuseOSError(errno.ENOENT)
        return 0

    # data: in memory until fsync
    def read(self, path, size, offset, fh):
        with self.mutex:
            entry = self.dirty.get(path)
            if entry is not None:
                return bytes(entry.data[offset:offset + size])
            with open(self._path(path), 'rb') as f:
                f.seek(offset)
                return f.read(size)

    def write(self, path, data, offset, fh):
        with self.mutex:
            entry = self._load(path)
            grows = max(0, offset + len(data) - max(len(entry.data), entry.synced_len))
            if grows > self._free():
                raise FuseOSError(errno.ENOSPC)
            if offset > len(entry.data):
                entry.data.extend(b'\0' * (offset - len(entry.data)))
            entry.data[offset:offset + len(data)] = data
            entry.low = min(entry.low, offset)
            return len(data)

    def truncate(self, path, length, fh=None):
        with self.mutex:
            entry = self._load(path)
            if length > len(entry.data) and length - len(entry.data) > self._free():
                raise FuseOSError(errno.ENOSPC)
            if length < len(entry.data):
                del entry.data[length:]
            else:
                entry.data.extend(b'\0' * (length - len(entry.data)))
            entry.low = min(entry.low, length)

    def fsync(self, path, datasync, fh):
        with self.mutex:
            entry = self.dirty.get(path)
            if entry is None or not entry.unsynced():
                return 0
            fd = os.open(self._path(path), os.O_WRONLY)
            try:
                os.pwrite(fd, bytes(entry.data[entry.low:]), entry.low)
                os.ftruncate(fd, len(entry.data))
                os.fsync(fd)
            except OSError as e:
                raise FuseOSError(e.errno)
            finally:
                os.close(fd)
            # Kept, now equal to BACKING: the next append must not read the whole file back in.
            entry.synced_len = entry.low = len(entry.data)
            return 0

    def fsyncdir(self, path, datasync, fh):
        return 0

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        return 0

    def crash(self):
        with self.mutex:
            unsynced = [d for d in self.dirty.values() if d.unsynced()]
            lost = {'files': len(unsynced), 'bytes': sum(max(0, len(d.data) - d.low) for d in unsynced)}
            self.dirty.clear()
            return lost


def serve_control(fs, fifo):
    """Each line written into the FIFO is a command; `crash` drops the unsynced bytes."""
    while True:
        with open(fifo, 'r') as commands:
            for line in commands:
                if line.strip() == 'crash':
                    reply = fs.crash()
                else:
                    reply = {'error': f'unknown command {line.strip()!r}'}
                with open(fifo + '.out', 'a') as out:
                    out.write(json.dumps(reply) + '\n')


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: lazyfs.py BACKING MOUNTPOINT CONTROL_FIFO')
    backing, mountpoint, fifo = sys.argv[1:]
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    fs = LazyFS(os.path.abspath(backing))
    threading.Thread(target=serve_control, args=(fs, fifo), daemon=True).start()
    FUSE(fs, mountpoint, foreground=True, nothreads=False, direct_io=True, attr_timeout=0, entry_timeout=0, negative_timeout=0, allow_other=True, fsname='lazyfs')


if __name__ == '__main__':
    main()
