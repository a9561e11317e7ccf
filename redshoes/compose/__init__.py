"""Stage 2, compose: music map → choreography."""

from redshoes.compose.composer import compose

__all__ = ["compose"]
