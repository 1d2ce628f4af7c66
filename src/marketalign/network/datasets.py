"""Real tabular regression data available offline: scikit-learn's bundled sets, or the user's own table.

Nothing is downloaded: ``diabetes`` ships inside scikit-learn (442 patients, 10 standardised features, disease
progression after one year; Efron et al. 2004). A CSV or Parquet file of numeric columns works the same way.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes

from marketalign.errors import InputError

BUNDLED = ("diabetes",)


@lru_cache(maxsize=8)
def load_regression(name: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """A bundled regression set by name: (X, y, feature names)."""
    if name != "diabetes":
        raise InputError(f"Unknown bundled data set {name!r}; choose one of {BUNDLED} or pass a table path.")
    data = load_diabetes()
    return np.asarray(data.data, dtype=float), np.asarray(data.target, dtype=float), tuple(data.feature_names)


@lru_cache(maxsize=8)
def load_table(path: str, target: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """A CSV or Parquet table of numeric columns; ``target`` names the label column, the rest are features."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"No such data file: {path}.")
    try:
        frame = pd.read_parquet(file) if file.suffix == ".parquet" else pd.read_csv(file)
    except (ValueError, OSError, pd.errors.ParserError) as err:
        raise InputError(f"Cannot read {path} as a table ({err}).") from err
    if target not in frame.columns:
        raise InputError(f"{path} has no column {target!r}; its columns are {list(frame.columns)[:20]}.")
    features = frame.drop(columns=[target])
    bad = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if bad or not pd.api.types.is_numeric_dtype(frame[target]):
        raise InputError(f"{path}: every column must be numeric; non-numeric: {(bad or [target])[:10]}.")
    if features.shape[1] == 0:
        raise InputError(f"{path} has no feature columns besides {target!r}.")
    if frame.isna().any().any():
        raise InputError(f"{path} has missing values; drop or impute them first.")
    names = tuple(map(str, features.columns))
    return features.to_numpy(dtype=float), frame[target].to_numpy(dtype=float), names
