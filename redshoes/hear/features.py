"""Frame features of the music (onset strength, bass onsets, chroma, loudness), computed block by block.

Every later step (beats, meter, sections, energy) reads these arrays, so the audio is transformed only once
and memory stays bounded for long files. Frames are `HOP` samples apart at 22050 Hz (about 11.6 ms).
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

from redshoes.hear.audio import Audio

N_FFT = 2048
HOP = 256
N_MELS = 64
BASS_HZ = 220.0
BLOCK_FRAMES = 1024
FLATNESS_FROM_BIN = 20  # above 215 Hz, where a kick drum's or a bass note's tone would not dominate
BASS_OCTAVE = 2.5  # octaves above A0: the bass line's pitch classes are weighed around 155 Hz (one octave wide)


@dataclass(frozen=True, eq=False)
class Features:
    """Per-frame features; frame k is centred at k * hop seconds.

    onset (n,): log-mel spectral flux; bass (n,): flux below 220 Hz; chroma (n, 12): pitch-class energy,
    each row summing to 1 or 0; rms (n,): root-mean-square amplitude (linear); mfcc (n, 13);
    flatness (n,): spectral flatness above 215 Hz (0 = tonal, 1 = noise; drums are noisy);
    bass_chroma (n, 12): pitch-class energy of the bass line (its harmonics weighed around 155 Hz), rows summing
    to 1 or 0: the bass note changes on the downbeat where the melody's accents may not.
    """

    hop: float
    onset: np.ndarray
    bass: np.ndarray
    chroma: np.ndarray
    rms: np.ndarray
    mfcc: np.ndarray
    flatness: np.ndarray
    bass_chroma: np.ndarray

    def time_to_frame(self, time: float | np.ndarray) -> np.ndarray:
        """Nearest frame index (clipped to the signal)."""
        return np.clip(np.round(np.asarray(time) / self.hop).astype(int), 0, len(self.onset) - 1)


def compute_features(audio: Audio) -> Features:
    """STFT once, in blocks, and reduce each block to the few numbers per frame later steps need."""
    sr = audio.sample_rate
    window = np.hanning(N_FFT).astype(np.float32)
    mel = librosa.filters.mel(sr=sr, n_fft=N_FFT, n_mels=N_MELS).astype(np.float32)
    chroma_fb = librosa.filters.chroma(sr=sr, n_fft=N_FFT).astype(np.float32)
    chroma_fb[:, : int(55.0 * N_FFT / sr)] = 0.0
    bass_fb = librosa.filters.chroma(sr=sr, n_fft=N_FFT, ctroct=BASS_OCTAVE, octwidth=1.0).astype(np.float32)
    bass_fb[:, : int(30.0 * N_FFT / sr)] = 0.0
    dct = _dct_matrix(13, N_MELS)
    bass_bins = int(BASS_HZ * N_FFT / sr) + 1
    n_frames = 1 + len(audio.samples) // HOP
    onset = np.zeros(n_frames, np.float32)
    bass = np.zeros(n_frames, np.float32)
    rms = np.zeros(n_frames, np.float32)
    chroma = np.zeros((n_frames, 12), np.float32)
    bass_chroma = np.zeros((n_frames, 12), np.float32)
    mfcc = np.zeros((n_frames, 13), np.float32)
    flatness = np.zeros(n_frames, np.float32)
    prev_mel: np.ndarray | None = None
    prev_bass: np.ndarray | None = None
    for first in range(0, n_frames, BLOCK_FRAMES):
        count = min(BLOCK_FRAMES, n_frames - first)
        chunk = _chunk(audio.samples, first * HOP - N_FFT // 2, (count - 1) * HOP + N_FFT)
        frames = np.lib.stride_tricks.sliding_window_view(chunk, N_FFT)[::HOP][:count]
        spectrum = np.abs(np.fft.rfft(frames * window, axis=1)).astype(np.float32)
        power = spectrum**2
        log_mel = np.log1p(100.0 * (power @ mel.T) / N_FFT)
        log_bass = np.log1p(100.0 * spectrum[:, :bass_bins] / np.sqrt(N_FFT))
        onset[first : first + count] = _flux(log_mel, prev_mel)
        bass[first : first + count] = _flux(log_bass, prev_bass)
        prev_mel, prev_bass = log_mel[-1], log_bass[-1]
        rms[first : first + count] = np.sqrt((frames**2).mean(axis=1))
        c = power @ chroma_fb.T
        total = c.sum(axis=1, keepdims=True)
        chroma[first : first + count] = np.where(total > 1e-8, c / np.maximum(total, 1e-8), 0.0)
        low = power @ bass_fb.T
        low_total = low.sum(axis=1, keepdims=True)
        bass_chroma[first : first + count] = np.where(low_total > 1e-8, low / np.maximum(low_total, 1e-8), 0.0)
        mel_power = power @ mel.T
        log_power = np.log(1e-6 + mel_power)
        mfcc[first : first + count] = log_power @ dct.T
        upper = power[:, FLATNESS_FROM_BIN:]
        flatness[first : first + count] = np.exp(np.log(upper + 1e-10).mean(axis=1)) / (upper.mean(axis=1) + 1e-10)
    cut = _frames_past_the_end(len(audio.samples), n_frames)
    onset[cut:] = 0.0
    bass[cut:] = 0.0
    return Features(
        hop=HOP / sr, onset=onset, bass=bass, chroma=chroma, rms=rms, mfcc=mfcc, flatness=flatness,
        bass_chroma=bass_chroma,
    )


def _frames_past_the_end(n_samples: int, n_frames: int) -> int:
    """The first frame whose window runs past the last sample: where a file stops while the music still sounds,
    the cut itself is a step in the signal whose splatter reads as a loud attack (most in the bass), so the flux
    of those last frames (46 ms) is not an onset."""
    return min(n_frames, max(0, (n_samples - N_FFT // 2) // HOP + 1))


def _chunk(samples: np.ndarray, start: int, length: int) -> np.ndarray:
    """samples[start : start + length], zero beyond either end (centred frames without a padded copy)."""
    a, b = max(0, start), min(len(samples), start + length)
    piece = samples[a:b]
    if a - start == 0 and len(piece) == length:
        return piece
    return np.pad(piece, (a - start, length - len(piece) - (a - start)))


def _flux(log_spec: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Half-wave rectified frame-to-frame increase, summed over bands."""
    before = np.vstack([log_spec[:1] if previous is None else previous[None, :], log_spec[:-1]])
    return np.maximum(log_spec - before, 0.0).sum(axis=1).astype(np.float32)


def _dct_matrix(n_out: int, n_in: int) -> np.ndarray:
    """Orthonormal DCT-II basis (n_out, n_in) for cepstral coefficients."""
    k = np.arange(n_out)[:, None]
    n = np.arange(n_in)[None, :]
    basis = np.cos(np.pi * k * (2 * n + 1) / (2 * n_in)) * np.sqrt(2.0 / n_in)
    basis[0] /= np.sqrt(2.0)
    return basis.astype(np.float32)


def timbre_variation(features: Features) -> float:
    """Mean spread over time of the first cepstral coefficients: near 0.5 for steady noise, above 2 for music."""
    loud = features.rms > 0.01 * (features.rms.max() + 1e-12)
    if loud.sum() < 2:
        return 0.0
    return float(np.mean(np.std(features.mfcc[loud, 1:6], axis=0)))


def percussiveness(features: Features) -> float:
    """Median spectral flatness at the strongest onsets: drums hit with noise (0.03-0.14), a piano or strings
    with tones (below 0.01)."""
    if len(features.onset) < 10:
        return 0.0
    strong = features.onset >= np.percentile(features.onset, 90)
    return float(np.median(features.flatness[strong]))
