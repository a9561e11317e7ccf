"""A picture of the music map over the waveform, to check at a glance what Red Shoes heard."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from redshoes.hear.audio import Audio  # noqa: E402
from redshoes.hear.music_map import MusicMap  # noqa: E402

SECTION_COLOURS = ("#f4c7c3", "#c9daf8", "#d9ead3", "#fff2cc", "#d9d2e9", "#fce5cd", "#d0e0e3")


def plot_music_map(music: MusicMap, audio: Audio, path: Path) -> None:
    """Write a PNG: waveform and energy, beats, downbeats, phrase starts and labelled section bands."""
    figure, axis = plt.subplots(figsize=(14, 4.6), dpi=110)
    step = max(1, len(audio.samples) // 20000)
    envelope = np.abs(audio.samples[: len(audio.samples) // step * step]).reshape(-1, step).max(axis=1)
    times = np.arange(len(envelope)) * step / audio.sample_rate
    colours: dict[str, str] = {}
    for section in music.sections:
        base = section.label.rstrip("′")
        colours.setdefault(base, SECTION_COLOURS[len(colours) % len(SECTION_COLOURS)])
        axis.axvspan(section.start, section.end, color=colours[base], alpha=0.8, lw=0)
        axis.text(section.start + 0.2, 1.08, section.label, fontsize=13, weight="bold", va="bottom")
    axis.fill_between(times, -envelope, envelope, color="#555555", lw=0, label="waveform")
    energy_t = np.arange(len(music.energy.values)) * music.energy.hop
    axis.plot(energy_t, np.asarray(music.energy.values), color="#cc0000", lw=1.4, label="energy")
    axis.vlines(music.beats, -1.0, -0.85, color="#1f4e9c", lw=0.6, label="beats")
    axis.vlines(music.downbeats, -1.0, 1.0, color="#1f4e9c", lw=1.2, alpha=0.5, label="downbeats")
    for phrase in music.phrases:
        axis.axvline(phrase.start, color="#000000", lw=2.2, ymin=0.0, ymax=1.0)
    axis.plot([], [], color="#000000", lw=2.2, label="phrase starts")
    meters = sorted({bar.meter for bar in music.bars}, key=lambda m: -sum(b.meter == m for b in music.bars))
    axis.set_title(
        f"{music.source} — {music.tempo:.0f} BPM, {' / '.join(meters)}, {len(music.bars)} bars, "
        f"{len(music.phrases)} phrases",
        pad=24,
    )
    axis.set_xlim(0, max(music.duration, 1e-3))
    axis.set_ylim(-1.05, 1.05)
    axis.set_xlabel("seconds")
    axis.set_yticks([])
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=8, ncol=5, frameon=False)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
