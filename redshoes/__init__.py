"""Red Shoes: music in, classical ballet out.

    from redshoes import hear_file, compose, animate
    music, audio = hear_file("song.mp3")
    ballet = compose(music, seed=0)
    motion = animate(ballet, fps=60)
"""

from __future__ import annotations

__version__ = "0.1.0"
