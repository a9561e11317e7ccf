"""Stage 3, animate: choreography → motion (a skeleton pose per frame)."""

from redshoes.animate.synthesis import Animation, animate, animate_with_contacts

__all__ = ["Animation", "animate", "animate_with_contacts"]
