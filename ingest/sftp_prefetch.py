"""paramiko's SFTP prefetch without its race (imported only by SFTP downloads: paramiko is
slow to import).

`SFTPFile.prefetch` sends the read requests from a thread of its own and marks the prefetch
done whenever no request is in flight. When our reads drain the requests sent so far before
that thread sends the next ones (it waits for Python's lock, which the night's other
districts hold often), paramiko believes the prefetch over: from the next read on it reads
the rest of the file one 32 KB round trip at a time, and the answers to the requests still
being sent pile up unread (paramiko issues #2418 and #2519, open in paramiko 4.0). Measured
in the 100x ingest: six files in one run fell back after 64-512 KB of 0.6-78 MB, and a
district took 3x its usual time (30 s instead of 8-10 s).

PrefetchFile counts the prefetch done only once every request was sent and answered. Remove
it when paramiko fixes the race.
"""

from __future__ import annotations

import time

import paramiko
from paramiko.sftp import CMD_DATA


class PrefetchFile(paramiko.SFTPFile):
    """An SFTPFile whose prefetch is done only when its thread has sent every request and
    each has been answered. Use: `remote = sftp.open(...)`, then `PrefetchFile.adopt(remote)`."""

    _sending = False

    @classmethod
    def adopt(cls, remote: paramiko.SFTPFile) -> PrefetchFile:
        remote.__class__ = cls  # the same object (its handle, its session), this behaviour
        return remote

    def _start_prefetch(self, chunks, max_concurrent_requests=None):
        self._sending = True  # before the thread starts: no answer can end the prefetch early
        super()._start_prefetch(chunks, max_concurrent_requests)

    def _prefetch_thread(self, chunks, max_concurrent_requests):
        try:
            super()._prefetch_thread(chunks, max_concurrent_requests)
        finally:
            with self._prefetch_lock:
                self._sending = False
                if not self._prefetch_extents:  # every answer came while requests were sent
                    self._prefetch_done = True

    def _async_response(self, t, msg, num):
        if t != CMD_DATA:  # an error status: paramiko keeps it for the next read
            return super()._async_response(t, msg, num)
        data = msg.get_string()
        while True:
            with self._prefetch_lock:
                extent = self._prefetch_extents.pop(num, None)
                if extent is not None:
                    self._prefetch_data[extent[0]] = data
                    if not self._prefetch_extents and not self._sending:
                        self._prefetch_done = True
                    return
            # answered before the sending thread recorded the request: let it run
            time.sleep(0)
