"""The loaders of published LLM panels on their full releases against a per-record pure-Python parse of the
same files, same run (rounds interleaved, best of each).

Workloads, one row each, read from ``$MARKETALIGN_DATA`` (a release that is absent there gives no row):

- LLMBar (``load_llmbar``, behind ``data llmbar``): ``panels/llmbar/verdicts_long.csv.gz``, the default subsets
  (Natural + Adversarial, 419 items x 65 evaluators) with ``missing="fill-mean"`` (the release has 37 empty
  verdicts, which the default policy refuses). Baseline: ``csv.DictReader`` over the gzip, a dict of scores per
  item, fill-mean by hand.
- Meister et al. 2024 (``load_meister``, ``task0``): the 16 unsteered result files and the group counts of
  ``panels/meister2024_opinionqa``, 14 groups. Baseline: ``json.load`` of each file and the same letter-to-option
  rules with dict lookups.
- Tjuatja et al. 2024 (``load_tjuatja``, ``orig alpha``, no perturbation): ``response_counts.csv.gz`` joined with
  every wave of ``opinionqa/human_resp`` (info.csv and every ``<ATTRIBUTE>_data.json`` but NONE). Baseline:
  ``csv.reader`` over the counts and info.csv, ``json.load`` of each attribute file, dicts for the join.
- Hwang et al. 2023 (``load_hwang``): the 12 ``model_generation.json`` files and ``all_qinfo_dict.json`` of
  ``panels/hwang2023_personalized``. Baseline: ``json.load`` of each file, a per-question answer lookup, dicts.

Each baseline builds the same table (rows, order, columns) with plain Python and one DataFrame at the end; once
per row, untimed, the two tables are compared cell by cell (strings equal, numbers within 1e-12, NaN where NaN).
The baselines do not validate their input (types, ranges, duplicates, malformed JSON) and keep none of the
loaders' reports (drop reasons, question status); ours do both, so the rows say what the baseline leaves out.

Each row's note also gives two floors, timed in the same rounds. The *parse floor*: only reading and parsing the
same files with the standard library (``json.load`` of every JSON file, ``csv.reader`` over every CSV); both
sides parse the files this way, so baseline / parse floor is the largest ratio a loader that parses them so can
reach. The *byte floor*: only reading the same files (gunzipped where gzipped) and finding their tokens with one
compiled loop over every byte (JSON: strings, numbers, brackets; CSV: separators), nothing checked, decoded or
kept; baseline / byte floor bounds any loader that looks at the bytes one at a time (as numba-compiled code does).
"""

from __future__ import annotations

import ast
import csv
import gzip
import json
import math
import os
import string
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from numba import njit

from benchmarks import BenchRow, best_time
from marketalign.data.location import DATA_ENV

LLMBAR = ("LLMBar/Natural", "LLMBar/Adversarial/GPTInst", "LLMBar/Adversarial/GPTOut", "LLMBar/Adversarial/Manual",
          "LLMBar/Adversarial/Neighbor")
MEISTER_WAVE = "Pew_American_Trends_Panel_disagreement_100"
UNSTATED = {"Refused", "nan", ""}


# --- naive baselines: plain Python over the files, one DataFrame at the end -------------------------------------


def naive_llmbar(folder: Path) -> pd.DataFrame:
    """LLMBar's default subsets: one column per (base LLM, strategy), empty verdicts filled with the Bob's mean."""
    wanted = set(LLMBAR)
    scores: dict[tuple[str, int], dict[str, float | None]] = {}
    labels: dict[tuple[str, int], int] = {}
    with gzip.open(folder / "verdicts_long.csv.gz", "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["subset"] not in wanted:
                continue
            key = (row["subset"], int(row["item"]))
            labels[key] = int(row["label"])
            if row["score_1"] and row["score_2"]:
                score = (float(row["score_1"]) - float(row["score_2"])) / 9.0
            else:
                wins = [float(w) for w in (row["winner_noswap"], row["winner_swap"]) if w]
                score = sum(w == 1 for w in wins) / len(wins) if wins else None
            scores.setdefault(key, {})[f"{row['base_llm']}/{row['strategy']}"] = score
    order = sorted(labels, key=lambda k: (LLMBAR.index(k[0]), k[1]))
    bobs = sorted({bob for item in scores.values() for bob in item})
    table = {"instance": [f"{s}#{i}" for s, i in order], "alice": [float(labels[k] == 1) for k in order],
             "group": [s for s, _ in order]}
    for bob in bobs:
        column = [scores[k].get(bob) for k in order]
        known = [v for v in column if v is not None]
        mean = sum(known) / len(known)
        table[bob] = [mean if v is None else v for v in column]
    return pd.DataFrame(table)


def naive_meister(root: Path) -> pd.DataFrame:
    """Meister et al. task0: rows (group, question, option) with the group's share and the 16 Bobs' shares."""
    counts_dir = root / "opinions_qa" / "data" / "human_resp" / MEISTER_WAVE
    counts = {}
    for path in sorted(counts_dir.glob("*_data.json")):
        with open(path) as handle:
            counts[path.name[: -len("_data.json")]] = json.load(handle)
    files = {}
    for path in sorted((root / "results" / "opinionqa").glob(f"*/*/task0/{MEISTER_WAVE}/NONE/Democrat.json")):
        with open(path) as handle:
            files[f"{path.parents[4].name}/{path.parents[3].name}"] = json.load(handle)
    bobs = list(files)
    first = files[bobs[0]]
    prefix = "expected_results_"
    humans = [f.removeprefix(prefix).replace("_", "=", 1) for f in next(iter(first.values()))
              if f.startswith(prefix) and not f.startswith(prefix + "NONE_")]
    party = counts["POLPARTY"]
    names = {key: sorted(party[key]["Democrat"]) for key in first}
    letters = string.ascii_uppercase
    rows = []
    for human in humans:
        attribute, group = human.split("=", 1)
        field = f"{prefix}{attribute}_{group}"
        for key, options in names.items():
            shares = first[key].get(field)
            if not shares:
                continue
            own = counts.get(attribute, {}).get(key, {}).get(group)
            if isinstance(own, dict):
                own = sorted(own)
            elif len(shares) == len(options):
                own = options
            else:
                continue
            if sorted(shares) != list(letters[: len(own)]):
                continue
            by_name = {name: float(shares[letter]) for name, letter in zip(own, letters, strict=False)}
            if any(p > 0 for name, p in by_name.items() if name not in options):
                continue
            answers = [files[bob][key]["avg_actual_results"] for bob in bobs]
            if any(sorted(answer) != list(letters[: len(options)]) for answer in answers):
                continue
            text = party[key].get("question_text") or key
            for letter, name in zip(letters, options, strict=False):
                rows.append([human, f"q:{key}:{name}", key, text, by_name.get(name, 0.0),
                             *(float(answer[letter]) for answer in answers)])
    return pd.DataFrame(rows, columns=["human", "instance", "group", "text", "alice", *bobs])


def _canonical(text: str) -> str:
    return " ".join(text.casefold().split())


def _naive_wave(folder: Path) -> tuple[dict, dict, dict]:
    """One OpinionQA wave: key -> question, key -> ordinal options, (group, key) -> {option: count}."""
    questions, options, seen = {}, {}, {}
    with open(folder / "info.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        seen[row["key"]] = seen.get(row["key"], 0) + 1
    repeat = {}
    for row in rows:
        key = row["key"]
        if seen[key] > 1:  # a key asked in several wordings: KEY#1, KEY#2, ...
            repeat[key] = repeat.get(key, 0) + 1
            key = f"{key}#{repeat[key]}"
        refs = ast.literal_eval(row["references"])
        questions[key] = row["question"].strip()
        options[key] = refs[: len(ast.literal_eval(row["option_ordinal"]))]
    lookup = {key: {_canonical(o): o for o in opts} for key, opts in options.items()}
    counts: dict[tuple[str, str], dict[str, float]] = {}

    def add(group: str, key: str, answers: dict) -> None:
        for option, value in answers.items():
            if isinstance(value, dict):
                add(f"{group}|{option}", key, value)
            elif not UNSTATED & set(group.partition("=")[2].split("|")):
                name = lookup[key].get(_canonical(option))
                if name is not None:  # only the options with an ordinal value count
                    cell = counts.setdefault((group, key), {})
                    cell[name] = cell.get(name, 0.0) + float(value)

    for path in sorted(folder.glob("*_data.json")):
        attribute = path.name[: -len("_data.json")]
        if attribute == "NONE":
            continue
        with open(path) as handle:
            payload = json.load(handle)
        for key, entry in payload.items():
            for group, answers in entry.items():
                if group not in ("MC_options", "question_text", "marginals"):
                    add(f"{attribute}={group}", key, answers)
    return questions, options, counts


def naive_tjuatja(release: Path, human_resp: Path) -> pd.DataFrame:
    """Tjuatja et al. orig alpha: each OpinionQA group's share of each ordinal option against the 9 LLMs'."""
    pooled: dict[tuple[str, int], dict[str, dict[int, float]]] = {}
    with gzip.open(release / "response_counts.csv.gz", "rt", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        model_i, pert_i, key_i, cond_i, n_i, resp_i, count_i = (
            header.index(c) for c in ("model", "perturbation", "key", "group", "num_options", "response", "count"))
        for row in reader:
            if row[cond_i] != "orig alpha" or row[pert_i] != "none":
                continue
            per_model = pooled.setdefault((row[key_i], int(row[n_i])), {}).setdefault(row[model_i], {})
            position = ord(row[resp_i].lower()) - ord("a")
            per_model[position] = per_model.get(position, 0.0) + float(row[count_i])
    models = sorted({model for per_key in pooled.values() for model in per_key})
    waves = {}
    for folder in human_resp.iterdir():
        if folder.name.startswith("American_Trends_Panel_W") and folder.is_dir():
            waves[folder.name.removeprefix("American_Trends_Panel_")] = folder
    by_wave: dict[str, list[tuple[str, int]]] = {}
    for key, n in pooled:
        by_wave.setdefault(key.rsplit("_", 1)[-1], []).append((key, n))
    rows = []
    for wave, asked in by_wave.items():
        if wave not in waves:
            continue
        questions, options, counts = _naive_wave(waves[wave])
        counted = {key for _, key in counts}
        matched = {key: pooled[key, n] for key, n in asked
                   if key in options and key in counted and len(options[key]) == n
                   and len(pooled[key, n]) == len(models)}
        for (group, key), answers in counts.items():
            if key not in matched:
                continue
            total = sum(answers.values())
            if total <= 0:
                continue
            shares = matched[key]
            for position, option in enumerate(options[key]):
                if not any(position in shares[m] for m in models):
                    continue  # no model chose this option: no row (as the loader's join)
                rows.append([group, f"q:{key}:{option}", key, wave, questions[key], answers.get(option, 0.0) / total,
                             *(shares[m].get(position, 0.0) / sum(shares[m].values()) for m in models)])
    rows.sort(key=lambda r: (r[0], r[3], r[1]))
    return pd.DataFrame(rows, columns=["human", "instance", "group", "wave", "text", "alice", *models])


def naive_hwang(root: Path) -> pd.DataFrame:
    """Hwang et al.: one row per (respondent, question) every variant answered, positions scaled to [0, 1]."""
    with open(root / "all_qinfo_dict.json") as handle:
        info = json.load(handle)
    choices = {qid: (str(entry["question"]), [str(o) for o in ast.literal_eval(entry["choice"])])
               for qid, entry in info.items()}
    scales: dict[str, tuple[dict, dict]] = {}

    def scale(qid: str, answer: str, strict: bool) -> float:
        if qid not in scales:  # per question: text (up to case) -> value, letter -> value
            options = choices[qid][1]
            scored = [o for o in options if o != "Refused"]
            value = {o: (math.nan if o == "Refused" or len(scored) < 2 else scored.index(o) / (len(scored) - 1))
                     for o in options}
            scales[qid] = ({o.casefold(): value[o] for o in reversed(options)},
                           {letter: value[o] for letter, o in zip(string.ascii_uppercase, options, strict=False)})
        by_text, by_letter = scales[qid]
        found = by_text.get(answer.casefold(), by_letter.get(answer))
        if found is None:
            if strict:
                raise ValueError(f"question {qid}: answer {answer!r} is not a choice")
            return math.nan
        return found

    runs = {}
    for path in sorted(root.glob("model-output*/*/model_generation.json")):
        name = path.parent.name.replace("-t-1-u35-q30", "")
        folder = path.parent.parent.name
        with open(path) as handle:
            runs[name if folder == "model-output" else f"{folder.removeprefix('model-output-')}:{name}"] = json.load(
                handle)
    bobs = list(runs)
    topic = {}
    user: dict[tuple[str, str], str] = {}
    model: dict[tuple[str, str], dict[str, str]] = {}
    for bob, records in runs.items():
        for record in records:
            human = f"user:{record['user_id']}"
            topic.setdefault(human, str(record["topic"]))
            for output in record["generated_output"]:
                pair = (human, str(output["qid"]))
                user.setdefault(pair, str(output["user_choice"]))
                model.setdefault(pair, {})[bob] = str(output["model_choice"])
    rows = []
    for (human, qid), answers in model.items():
        if len(answers) < len(bobs):
            continue
        alice = scale(qid, user[human, qid], strict=True)
        if math.isnan(alice):
            continue  # a refusal
        rows.append([human, topic[human], f"q:{qid}", qid, choices[qid][0], alice,
                     *(scale(qid, answers[bob], strict=False) for bob in bobs)])
    return pd.DataFrame(rows, columns=["human", "topic", "instance", "group", "text", "alice", *bobs])


# --- parse floors: read and parse the same files, nothing else -------------------------------------------------


def _json_files(paths: list[Path]) -> None:
    for path in paths:
        with open(path) as handle:
            json.load(handle)


def _csv_files(paths: list[Path]) -> None:
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", newline="") as handle:
            for _ in csv.reader(handle):
                pass


def _parse_floor(paths: list[Path]) -> None:
    _csv_files([p for p in paths if p.suffix != ".json"])
    _json_files([p for p in paths if p.suffix == ".json"])


def files_llmbar(folder: Path) -> list[Path]:
    return [folder / "verdicts_long.csv.gz"]


def files_meister(root: Path) -> list[Path]:
    return [*sorted((root / "opinions_qa" / "data" / "human_resp" / MEISTER_WAVE).glob("*_data.json")),
            *sorted((root / "results" / "opinionqa").glob(f"*/*/task0/{MEISTER_WAVE}/NONE/Democrat.json"))]


def files_tjuatja(release: Path, human_resp: Path) -> list[Path]:
    waves = [f for f in sorted(human_resp.iterdir()) if f.name.startswith("American_Trends_Panel_W") and f.is_dir()]
    return [release / "response_counts.csv.gz", *(wave / "info.csv" for wave in waves),
            *(p for wave in waves for p in sorted(wave.glob("*_data.json")) if p.name != "NONE_data.json")]


def files_hwang(root: Path) -> list[Path]:
    return [root / "all_qinfo_dict.json", *sorted(root.glob("model-output*/*/model_generation.json"))]


_SPACES = np.uint64(0x2020202020202020)


@njit(cache=True, nogil=True)
def _json_tokens(data, words):
    """The number of tokens of a JSON text (``words``: the 8-byte word at each byte), found in one pass that
    skips strings and runs of spaces eight bytes at a time and checks nothing."""
    i = tokens = 0
    n = len(data)
    while i < n:
        c = data[i]
        if c == 32 or c == 10 or c == 13 or c == 9 or c == 44 or c == 58:
            i += 1
            while i + 8 <= n and words[i] == _SPACES:
                i += 8
            continue
        tokens += 1
        if c == 34:
            i += 1
            while i < n and data[i] != 34:
                i += 1 + (data[i] == 92)
            i += 1
        elif c == 123 or c == 125 or c == 91 or c == 93:
            i += 1
        else:
            while i < n and data[i] != 44 and data[i] != 125 and data[i] != 93 and data[i] > 32:
                i += 1
    return tokens


@njit(cache=True, nogil=True)
def _csv_separators(data):
    """The number of commas, quotes and newlines of a CSV text, one pass."""
    found = 0
    for c in data:
        found += c == 44 or c == 34 or c == 10
    return found


def _byte_floor(paths: list[Path]) -> None:
    for path in paths:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        padded = np.zeros(len(raw) + 8, dtype=np.uint8)
        padded[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)
        data = padded[: len(raw)]
        if path.suffix == ".json":
            _json_tokens(data, np.ndarray((len(raw),), dtype="<u8", buffer=padded, strides=(1,)))
        else:
            _csv_separators(data)


# --- the check (once, untimed) and the timing -------------------------------------------------------------------


def same_table(ours: pd.DataFrame, naive: pd.DataFrame) -> str:
    """"" when the two tables agree in shape, column names and every cell, else what differs first."""
    if ours.shape != naive.shape:
        return f"shapes differ: ours {ours.shape}, baseline {naive.shape}"
    if list(ours.columns) != list(naive.columns):
        return f"columns differ: ours {list(ours.columns)[:6]}..., baseline {list(naive.columns)[:6]}..."
    for column in ours.columns:
        a, b = ours[column], naive[column]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            if not np.allclose(a.to_numpy(float), b.to_numpy(float), rtol=0, atol=1e-12, equal_nan=True):
                return f"column {column!r} differs"
        elif a.astype(str).tolist() != b.astype(str).tolist():
            return f"column {column!r} differs"
    return ""


def _row(workload: str, ours: Callable[[], pd.DataFrame], naive: Callable[[], pd.DataFrame], files: list[Path],
         rounds: int, inner: int, baseline: str, note: str) -> BenchRow:
    check = same_table(ours(), naive())  # also warms the page cache and the imports of both sides
    if check:
        raise AssertionError(f"{workload}: the baseline does not build our table ({check})")
    _byte_floor(files)  # compiles the two loops
    best_ours = best_naive = parse_floor = byte_floor = float("inf")
    for _ in range(rounds):  # interleaved, so that a busy spell of the machine hits every side
        best_ours = min(best_ours, best_time(ours, inner))
        best_naive = min(best_naive, best_time(naive, inner))
        parse_floor = min(parse_floor, best_time(lambda: _parse_floor(files), inner))
        byte_floor = min(byte_floor, best_time(lambda: _byte_floor(files), inner))
    return BenchRow(workload, best_ours, best_naive, baseline, ">= 10x (ours)",
                    f"best of {rounds * inner} each, interleaved; tables equal cell by cell; parse floor "
                    f"{parse_floor * 1e3:.0f} ms (at most {best_naive / parse_floor:.1f}x parsing with the "
                    f"standard library), byte floor {byte_floor * 1e3:.1f} ms (at most "
                    f"{best_naive / byte_floor:.1f}x looking at every byte once); {note}")


def run(quick: bool) -> list[BenchRow]:
    rounds, inner = (2, 1) if quick else (5, 2)
    root = os.environ.get(DATA_ENV)
    if not root:
        return []
    data = Path(root)
    rows = []
    llmbar = data / "panels" / "llmbar"
    if (llmbar / "verdicts_long.csv.gz").is_file():
        from marketalign.data.panels.llmbar import load_llmbar

        rows.append(_row(
            "LLMBar panel, 419 items x 65 evaluators (release)",
            lambda: load_llmbar(llmbar, missing="fill-mean").table, lambda: naive_llmbar(llmbar),
            files_llmbar(llmbar), rounds, inner,
            "csv.DictReader over the gzip, dicts, fill-mean by hand",
            "ours also checks columns, subsets, labels, winner cells and duplicates and reports the missing cells"))
    meister = data / "panels" / "meister2024_opinionqa"
    if (meister / "results" / "opinionqa").is_dir():
        from marketalign.data.panels.meister import load_meister

        rows.append(_row(
            "Meister panel, task0: 14 groups x 16 Bobs (release)",
            lambda: load_meister(meister).table, lambda: naive_meister(meister), files_meister(meister),
            rounds, inner,
            "json.load per file, dict lookups",
            "ours also checks JSON, numbers and letters and lists every dropped (group, question) with its reason"))
    tjuatja, human_resp = data / "panels" / "tjuatja2024_biasmonkey", data / "opinionqa" / "human_resp"
    if (tjuatja / "response_counts.csv.gz").is_file() and human_resp.is_dir():
        from marketalign.data.panels.tjuatja import load_tjuatja

        rows.append(_row(
            "Tjuatja panel, orig alpha x 15 OpinionQA waves (release)",
            lambda: load_tjuatja(tjuatja, human_resp).table, lambda: naive_tjuatja(tjuatja, human_resp),
            files_tjuatja(tjuatja, human_resp), rounds, inner,
            "csv.reader + json.load per file, dicts for the join",
            "ours also reads each wave's metadata.csv and topic_mapping.npy (in no column), checks counts, letters "
            "and options, and keeps every question's match status"))
    hwang = data / "panels" / "hwang2023_personalized"
    if (hwang / "all_qinfo_dict.json").is_file():
        from marketalign.data.panels.hwang import load_hwang

        rows.append(_row(
            "Hwang panel, 525 respondents x 12 variants (release)",
            lambda: load_hwang(hwang).table, lambda: naive_hwang(hwang), files_hwang(hwang), rounds, inner,
            "json.load per file, per-question answer lookup, dicts",
            "ours also checks JSON, respondents, duplicates and choices and counts refusals and missing cells"))
    return rows
