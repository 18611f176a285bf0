#!/usr/bin/python3
"""Peer of `slidebatch bench reads` (SPEC §10) for Debian's python3-openslide.

Repeats the reads that `slidebatch bench reads --positions-out FILE` wrote: the same level-0 positions,
size×size regions at one level, each of N threads taking a contiguous run of the positions as the Java
bench does, every region fully decoded to an RGB image. Writes one JSON object (--json) shaped like the
Java result and prints one human line.

Run it with /usr/bin/python3 (the interpreter that has python3-openslide), e.g.
  /usr/bin/python3 scripts/bench/openslide_reads.py --slide S.svs --positions pos.txt --threads 2 --json py.json
"""

import argparse
import json
import os
import platform
import socket
import sys
import threading
import time

import openslide
import PIL


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--slide", required=True, help="slide file")
    p.add_argument("--positions", required=True,
                   help='file of level-0 "x,y" lines (as written by slidebatch bench reads --positions-out)')
    p.add_argument("--size", type=int, default=512, help="region side in level pixels (default 512)")
    p.add_argument("--level", type=int, default=0, help="pyramid level (default 0)")
    p.add_argument("--threads", type=int, default=1, help="reader threads (default 1)")
    p.add_argument("--warmup", type=int, default=20,
                   help="untimed reads of the first positions by every thread before timing (default 20, as the Java bench)")
    p.add_argument("--pattern", help="recorded in inputs only (random or grid), when given")
    p.add_argument("--seed", type=int, help="recorded in inputs only, when given")
    p.add_argument("--json", metavar="OUT.json", help="write the result here")
    a = p.parse_args(argv)
    if a.size < 1 or a.threads < 1 or a.warmup < 0:
        p.error("--size and --threads must be at least 1, --warmup at least 0")
    return a


def read_positions(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                x, y = line.split(",")
                out.append((int(x), int(y)))
            except ValueError:
                raise SystemExit("%s:%d: expected x,y, got %r" % (path, n, line))
    if not out:
        raise SystemExit("%s: no positions" % path)
    return out


def read_rgb(slide, x, y, level, size):
    # read_region gives un-premultiplied RGBA (transparent -> 0); convert('RGB') decodes to an RGB buffer,
    # the same work the Java bench does (premultiplied ARGB -> RGB).
    return slide.read_region((x, y), level, (size, size)).convert("RGB")


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, sep, value = line.partition(":")
                if sep and key.strip() == "model name":
                    return value.strip()
    except OSError:
        pass
    return platform.machine()


def cores():
    try:
        return len(os.sched_getaffinity(0))  # what the JVM's availableProcessors() also honours
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def main(argv):
    a = parse_args(argv)
    positions = read_positions(a.positions)
    slide = openslide.OpenSlide(a.slide)  # one handle shared by all threads (the C library is thread-safe)
    try:
        if a.level >= slide.level_count:
            raise SystemExit("level %d out of range (slide has %d)" % (a.level, slide.level_count))
        warm = positions[:min(a.warmup, len(positions))]

        per = (len(positions) + a.threads - 1) // a.threads
        runs = [positions[min(len(positions), t * per):min(len(positions), (t + 1) * per)] for t in range(a.threads)]
        checksums = [0] * a.threads
        errors = []
        start_gate = threading.Barrier(a.threads + 1)

        def work(t):
            try:
                # every thread warms up itself before the gate, as the Java bench does (its decoders and tile
                # caches are per thread; OpenSlide's are shared, so here it only repeats the same warm-up)
                for x, y in warm:
                    read_rgb(slide, x, y, a.level, a.size)
                start_gate.wait()
                c = 0
                mid = (a.size // 2, a.size // 2)
                for x, y in runs[t]:
                    img = read_rgb(slide, x, y, a.level, a.size)
                    c += sum(img.getpixel(mid))
                checksums[t] = c
            except BaseException as e:  # reported below; the bench fails
                errors.append(e)
                start_gate.abort()  # the other threads and the main thread stop waiting

        workers = [threading.Thread(target=work, args=(t,), name="reads-%d" % t) for t in range(a.threads)]
        for w in workers:
            w.start()
        try:
            start_gate.wait()  # every thread has warmed up; time from here, as the Java bench does
        except threading.BrokenBarrierError:
            for w in workers:
                w.join()
            raise errors[0] if errors else SystemExit("a reading thread stopped before the start")
        start = time.perf_counter()
        cpu_start = time.process_time()
        for w in workers:
            w.join()
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        if errors:
            raise errors[0]

        reads = len(positions)
        mp = reads * float(a.size) * a.size / 1e6
        width, height = slide.dimensions
        out = {
            "what": "reads",
            "reader": "python3-openslide",
            "seconds": seconds,
            "reads_per_s": reads / seconds,
            "megapixels_per_s": mp / seconds,
            "threads": a.threads,
            "cpu_seconds": cpu_seconds,
            "reads_per_cpu_s": reads / cpu_seconds,
            "host": socket.gethostname(),
            "cpu": cpu_model(),
            "cores": cores(),
            "python": "%s %s" % (platform.python_implementation(), platform.python_version()),
            "openslide": openslide.__library_version__,
            "openslide_python": openslide.__version__,
            "libraries": {
                "openslide": openslide.__library_version__,
                "openslide-python": openslide.__version__,
                "pillow": PIL.__version__,
            },
            "inputs": {
                "slide": os.path.abspath(a.slide),
                "slide_width": width,
                "slide_height": height,
                "size": a.size,
                "level": a.level,
                "reads": reads,
            },
            "checksum": sum(checksums),
        }
        if a.pattern is not None:
            out["inputs"]["pattern"] = a.pattern
        if a.seed is not None:
            out["inputs"]["seed"] = a.seed
        out["inputs"]["warmup"] = a.warmup
        out["inputs"]["warmup_by"] = "every reading thread"
        out["inputs"]["positions"] = os.path.abspath(a.positions)
    finally:
        slide.close()

    if a.json:
        tmp = a.json + ".part"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=2)
            f.write("\n")
        os.replace(tmp, a.json)
    print("reads: %s %d threads, %d× %d² at level %d%s: %.1f reads/s, %.1f MP/s" % (
        out["reader"], a.threads, reads, a.size, a.level,
        " (%s)" % a.pattern if a.pattern else "", out["reads_per_s"], out["megapixels_per_s"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
