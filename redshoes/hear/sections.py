"""Sections with repetition labels (A, B, A′) from the self-similarity of phrase-length segments."""

from __future__ import annotations

import numpy as np

from redshoes.hear.features import Features
from redshoes.hear.music_map import Phrase, Section

SAME = 0.80  # cosine similarity (mean removed) above which two phrases are heard as the same music
SECTION_BARS = 16  # a section of new music closes once it holds this many bars
INTRO = "I"  # label of a short opening section whose music does not come back
VARIED = 0.50  # above this, a later phrase is a varied return (A′) of an earlier label


def phrase_vectors(features: Features, phrases: tuple[Phrase, ...]) -> np.ndarray:
    """One descriptor per phrase: mean chroma and timbre (MFCC), centred over the piece; (phrases, 24)."""
    rows = []
    for phrase in phrases:
        a, b = features.time_to_frame(phrase.start), features.time_to_frame(phrase.end)
        b = np.maximum(b, a + 1)
        chroma = features.chroma[a:b].mean(axis=0)
        timbre = features.mfcc[a:b, 1:].mean(axis=0)
        rows.append(np.concatenate([chroma / (np.linalg.norm(chroma) + 1e-9) * 3.0, timbre / 10.0]))
    matrix = np.array(rows) if rows else np.zeros((0, 24))
    return matrix - matrix.mean(axis=0) if len(matrix) > 1 else matrix


def label_phrases(vectors: np.ndarray) -> list[str]:
    """Letter per phrase: that of the most similar earlier phrase when close enough, else a new one."""
    labels: list[str] = []
    norms = np.linalg.norm(vectors, axis=1) + 1e-9
    letters = iter("ABCDEFGHJKLMNPQRSTUVWXYZ")
    for i in range(len(vectors)):
        if i == 0:
            labels.append(next(letters))
            continue
        similarity = (vectors[:i] @ vectors[i]) / (norms[:i] * norms[i])
        best = int(np.argmax(similarity))
        if similarity[best] >= VARIED:
            base = labels[best].rstrip("′")
            varied = similarity[best] < SAME or labels[i - 1].rstrip("′") != base
            labels.append(base + ("′" if varied and base in [lab.rstrip("′") for lab in labels] else ""))
        else:
            labels.append(next(letters, "Z"))
    return labels


def make_sections(phrases: tuple[Phrase, ...], labels: list[str]) -> tuple[Section, ...]:
    """Group phrases into sections (two phrases make a section unless the music returns) and letter them.

    A phrase starts a new section when it is short (an introduction or coda), when its music returns from an
    earlier section (unless it continues that return in order), or when the current section already holds 16 bars
    and different music follows. Sections whose first phrase is the same music share a letter; a return is
    marked ′.
    """
    groups: list[list[int]] = []
    section_of: dict[int, int] = {}
    bases = [label.rstrip("′") for label in labels]
    typical = int(np.median([p.bars for p in phrases])) if phrases else 8
    for i, phrase in enumerate(phrases):
        if not groups:
            groups.append([i])
        else:
            current = groups[-1]
            previous_phrase = phrases[current[-1]]
            last = i == len(phrases) - 1
            short = (len(groups) == 1 and len(current) == 1 and previous_phrase.bars < typical) or (
                last and phrase.bars < typical
            )
            same = bases[i] == bases[current[-1]]
            earlier = [j for j in range(i) if bases[j] == bases[i] and j not in current]
            continues = any(
                j > 0 and bases[j - 1] == bases[i - 1] and section_of[j] == section_of[j - 1] for j in earlier
            )
            returns = bool(earlier) and not continues and not same
            full = sum(phrases[j].bars for j in current) >= SECTION_BARS and not same
            if short or returns or full:
                groups.append([i])
            else:
                current.append(i)
        section_of[i] = len(groups) - 1
    return _letter_sections(phrases, groups, bases)


def _letter_sections(phrases: tuple[Phrase, ...], groups: list[list[int]], bases: list[str]) -> tuple[Section, ...]:
    """Letters in order of appearance by each section's first phrase; a repeat after other music gets ′."""
    typical = int(np.median([p.bars for p in phrases])) if phrases else 8
    letters: dict[str, str] = {}
    sections: list[Section] = []
    for number, group in enumerate(groups):
        key = bases[group[0]]
        intro = number == 0 and len(groups) > 1 and sum(phrases[i].bars for i in group) < typical
        if intro and bases.count(key) == 1:
            first, last = phrases[group[0]], phrases[group[-1]]
            bars = sum(phrases[i].bars for i in group)
            sections.append(Section(INTRO, first.start, last.end, first.first_bar, bars))
            continue
        if key not in letters:
            letters[key] = "ABCDEFGHJKLMNPQRSTUVWXYZ"[min(len(letters), 23)]
            label = letters[key]
        else:
            label = letters[key] + "′"
        first, last = phrases[group[0]], phrases[group[-1]]
        bars = sum(phrases[i].bars for i in group)
        sections.append(Section(label, first.start, last.end, first.first_bar, bars))
    merged: list[Section] = []
    for section in sections:
        if merged and merged[-1].label == section.label:
            previous = merged[-1]
            bars = previous.bars + section.bars
            merged[-1] = Section(previous.label, previous.start, section.end, previous.first_bar, bars)
        else:
            merged.append(section)
    return tuple(merged)
