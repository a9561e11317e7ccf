"""Benchmark of the hear stage on the ground-truth pieces, beside librosa's beat tracker and PLP as peers.

Run: .venv/bin/python bench/hear.py [--material ../shared/material] [--no-peers]
Prints one row per piece: beat F (70 ms), downbeat F, meter right/wrong, phrase-boundary F (±1 beat) and
seconds of computing per minute of audio.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import mir_eval
import numpy as np

from redshoes.hear import hear, load_audio


def phrase_f(reference: np.ndarray, estimate: np.ndarray, tolerance: float) -> float:
    """F-measure of phrase starts within ±tolerance seconds (one beat)."""
    if len(reference) == 0 or len(estimate) == 0:
        return 0.0
    matched = mir_eval.util.match_events(reference, estimate, tolerance)
    precision, recall = len(matched) / len(estimate), len(matched) / len(reference)
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def peer_librosa(samples: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """librosa's beat_track and PLP peaks (beat times in seconds)."""
    import librosa

    envelope = librosa.onset.onset_strength(y=samples, sr=sr)
    _, frames = librosa.beat.beat_track(onset_envelope=envelope, sr=sr)
    pulse = librosa.beat.plp(onset_envelope=envelope, sr=sr)
    peaks = np.flatnonzero(librosa.util.localmax(pulse))
    return librosa.frames_to_time(frames, sr=sr), librosa.frames_to_time(peaks, sr=sr)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--material", type=Path, default=Path(__file__).resolve().parents[1] / "../shared/material"
    )
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()
    folder = args.material / "groundtruth"
    rows = []
    header = f"{'piece':28} {'meter':6} {'beatF':>6} {'downF':>6} {'meter?':>10} {'phraseF':>7} {'s/min':>6}"
    if not args.no_peers:
        header += f" | {'librosa':>7} {'PLP':>6} {'s/min':>6}"
    print(header)
    if not args.no_peers:
        warm = load_audio(sorted(folder.glob("*.flac"))[0])
        peer_librosa(warm.samples[: warm.sample_rate * 5], warm.sample_rate)  # numba compile, not timed
    for flac in sorted(folder.glob("*.flac")):
        truth = np.loadtxt(flac.with_suffix(".beats"))
        info = json.loads(flac.with_suffix(".json").read_text())
        audio = load_audio(flac)
        minutes = audio.duration / 60
        start = time.perf_counter()
        music = hear(audio, source=flac.name)
        seconds = (time.perf_counter() - start) / minutes
        beat_f = mir_eval.beat.f_measure(truth[:, 0], np.array(music.beats))
        down_f = mir_eval.beat.f_measure(truth[truth[:, 1] == 1, 0], np.array(music.downbeats))
        meters = [bar.meter for bar in music.bars]
        heard_meter = max(sorted(set(meters)), key=meters.count)
        right = heard_meter == info["meter"]
        beat = float(np.median(np.diff(truth[:, 0])))
        phrase = phrase_f(np.array(info["phrase_starts"]), np.array([p.start for p in music.phrases]), beat)
        line = (
            f"{flac.stem[:28]:28} {info['meter']:6} {beat_f:6.3f} {down_f:6.3f} "
            f"{('right' if right else 'WRONG ' + heard_meter):>10} {phrase:7.3f} {seconds:6.2f}"
        )
        row = [beat_f, down_f, float(right), phrase, seconds]
        if not args.no_peers:
            start = time.perf_counter()
            lib_beats, plp_beats = peer_librosa(audio.samples, audio.sample_rate)
            peer_seconds = (time.perf_counter() - start) / minutes
            lib_f = mir_eval.beat.f_measure(truth[:, 0], lib_beats)
            plp_f = mir_eval.beat.f_measure(truth[:, 0], plp_beats)
            line += f" | {lib_f:7.3f} {plp_f:6.3f} {peer_seconds:6.2f}"
            row += [lib_f, plp_f, peer_seconds]
        rows.append(row)
        print(line, flush=True)
    mean = np.mean(np.array(rows), axis=0)
    right = f"{mean[2] * 100:.0f}% right"
    line = f"{'mean':28} {'':6} {mean[0]:6.3f} {mean[1]:6.3f} {right:>10} {mean[3]:7.3f} {mean[4]:6.2f}"
    if not args.no_peers:
        line += f" | {mean[5]:7.3f} {mean[6]:6.3f} {mean[7]:6.2f}"
    print(line)


if __name__ == "__main__":
    main()
