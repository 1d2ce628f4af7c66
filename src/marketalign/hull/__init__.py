"""Market alignment measured on data (least-squares fits, curves over K), on utility tables (sup-norm ε), and coverage per item."""
