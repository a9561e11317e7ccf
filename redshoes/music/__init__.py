"""Music Red Shoes ships: the built-in piece, written as a score, and its synthesiser."""
