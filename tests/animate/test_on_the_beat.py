"""The dancer arrives on the count: the motion slows into each count and quickens between, the counts stay put."""

import numpy as np

from redshoes.animate import animate_with_contacts
from redshoes.animate.synthesis import build_track, shaped_time, shown_at
from redshoes.export import metrics

WALTZ = ["préparation", "pas de valse", "balancé", "pas de basque", "glissade", "port de bras"]


def test_the_counts_stay_where_the_music_puts_them(choreography_of):
    c = choreography_of(WALTZ, beat=0.5)
    track = build_track(c)
    counts = np.unique(np.concatenate([s.count_times for s in c.steps]))
    assert np.allclose(shaped_time(track, counts), counts, atol=1e-9)
    assert track.beat_depth.max() > 0.3  # and between them the motion is shaped


def test_a_key_between_the_counts_is_shown_where_the_shaped_time_reaches_it(choreography_of):
    track = build_track(choreography_of(WALTZ, beat=0.5))
    times = np.linspace(0.0, track.beats[-1], 97)
    assert np.abs(shaped_time(track, shown_at(track, times)) - times).max() < 1e-9
    assert np.all(np.diff(shaped_time(track, times)) > 0)  # time never runs backwards


def test_the_body_slows_into_the_counts(choreography_of):
    c = choreography_of(WALTZ, beat=0.5)
    m = animate_with_contacts(c).motion
    counts = np.unique(np.concatenate([s.count_times for s in c.steps]))
    # Bailando's beat alignment: every count has a kinematic beat (a minimum of the body's speed) near it
    assert metrics.beat_alignment_bailando(counts, m.positions(), m.fps) > 0.4  # 0.29 before the shaping
    assert metrics.beat_alignment_fact(counts, m.positions(), m.fps) > 0.4


def test_a_flight_keeps_gravitys_time(choreography_of):
    c = choreography_of(["préparation", "changement", "sissonne fermée", "assemblé", "préparation"], beat=0.5)
    track = build_track(c)
    for takeoff, landing in zip(track.takeoff, track.landing, strict=True):
        t = np.linspace(takeoff, landing, 20)
        assert np.allclose(shaped_time(track, t), t)
