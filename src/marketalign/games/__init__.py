"""The paper's theory, executable: conversation games, quantal response, Best-AI selection, bound checks."""
