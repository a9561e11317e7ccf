"""Stage 2, compose: music map → choreography."""
