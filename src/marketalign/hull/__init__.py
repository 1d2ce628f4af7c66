"""Market alignment on data (fits, curves over K), on utility tables (sup-norm ε), and coverage per item."""
