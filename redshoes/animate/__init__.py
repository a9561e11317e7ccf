"""Stage 3, animate: choreography → motion (a skeleton pose per frame)."""

from redshoes.animate.stream import animate_stream, stream_frames, write_bvh_stream
from redshoes.animate.synthesis import Animation, animate, animate_with_contacts

__all__ = ["Animation", "animate", "animate_stream", "animate_with_contacts", "stream_frames", "write_bvh_stream"]
