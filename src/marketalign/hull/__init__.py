"""Market alignment measured on data (least-squares fits, curves over K) and on utility tables (sup-norm ε)."""
