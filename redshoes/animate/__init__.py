"""Stage 3, animate: choreography → motion (a skeleton pose per frame)."""
