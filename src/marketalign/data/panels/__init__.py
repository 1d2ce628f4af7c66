"""Loaders of published panels of real AI models: each model's verdicts become one Bob column."""
