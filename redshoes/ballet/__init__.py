"""The ballet knowledge, as data: the dancer's body, positions, directions and the vocabulary of steps."""
