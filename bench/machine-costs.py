#!/usr/bin/env python3
"""What the machine charges for the work every durable webhook needs, apart from the gateway's
own code: a group commit (one pwrite of a batch and one fdatasync, into space a prepared segment
already holds) and a segment's worth of page cache filled from memory the kernel has not used
lately against memory it has just freed. accept.sh's figures are read against these: they are
the floor under the gateway's CPU per request on this machine.

Usage: bench/machine-costs.py [directory on the log's filesystem] [batch bytes] [batches]
"""
import mmap
import os
import resource
import sys
import time

DIRECTORY = sys.argv[1] if len(sys.argv) > 1 else "."
BATCH = int(sys.argv[2]) if len(sys.argv) > 2 else 17_000  # ~15 webhooks of 1.15 KB, accept.sh's average group
BATCHES = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
SEGMENT = 64 << 20
STEP = 1 << 20


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_nvcsw + usage.ru_nivcsw


def fill(path, direct=False):
    """Writes a segment of zeros a step at a time, each step synced, as SegmentPreparer does
    (with O_DIRECT the device reads a page-aligned buffer itself; no page cache)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | (os.O_DIRECT if direct else 0), 0o600)
    zeros = mmap.mmap(-1, STEP) if direct else bytes(STEP)
    for position in range(0, SEGMENT, STEP):
        os.pwrite(fd, zeros, position)
        os.fdatasync(fd)
    return fd


def time_commits(fd, batch, label, sync=True):
    """BATCHES writes of `batch` at consecutive places in the file, each followed by a sync."""
    (before, switches), started = cpu(), time.monotonic()
    for i in range(BATCHES):
        os.pwrite(fd, batch, (i * len(batch)) % (SEGMENT - len(batch)))
        if sync:
            os.fdatasync(fd)
    (after, switched), ended = cpu(), time.monotonic()
    os.close(fd)
    print("group commit of %d bytes%s: %.0f us wall, %.1f us CPU, %.1f context switches per commit"
          % (len(batch), label, (ended - started) / BATCHES * 1e6, (after - before) / BATCHES * 1e6,
             (switched - switches) / BATCHES))


def group_commits(path):
    time_commits(fill(path), b"x" * BATCH, "")
    os.unlink(path)


def direct_commits(path):
    """The same commits with O_DIRECT, on a file zero-filled with O_DIRECT; lengths rounded up
    to whole 512-byte blocks, as such a log would write them. What a log that bypassed the
    page cache would pay instead."""
    before, _ = cpu()
    os.close(fill(path, direct=True))
    after, _ = cpu()
    print("64 MiB segment fill with O_DIRECT: %.0f ms CPU" % ((after - before) * 1e3))
    size = (BATCH + 511) // 512 * 512
    batch = mmap.mmap(-1, size)  # page-aligned, as O_DIRECT needs
    batch.write(b"x" * size)
    time_commits(os.open(path, os.O_RDWR | os.O_DIRECT), batch, ", O_DIRECT pwrite + fdatasync")
    time_commits(os.open(path, os.O_RDWR | os.O_DIRECT | os.O_DSYNC), batch, ", O_DIRECT|O_DSYNC pwrite", sync=False)
    os.unlink(path)


def segment_fills(directory, count):
    """CPU per segment while the page cache grows (kept files), then again with each file's
    pages dropped once it is written (the same pages come back to the next file)."""
    for label, drop in (("growing page cache", False), ("recycled pages", True)):
        costs = []
        paths = []
        for i in range(count):
            path = os.path.join(directory, "fill-%d.tmp" % i)
            before, _ = cpu()
            fd = fill(path)
            after, _ = cpu()
            if drop:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(fd)
            paths.append(path)
            costs.append((after - before) * 1e3)
        for path in paths:
            os.unlink(path)
        print("64 MiB segment fill, %s: %s ms CPU each" % (label, " ".join("%.0f" % c for c in costs)))


if __name__ == "__main__":
    os.makedirs(DIRECTORY, exist_ok=True)
    group_commits(os.path.join(DIRECTORY, "commit.tmp"))
    direct_commits(os.path.join(DIRECTORY, "direct.tmp"))
    segment_fills(DIRECTORY, 16)
