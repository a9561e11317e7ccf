"""Stage 1, hear: music (audio file or score) → music map."""
