"""Inject, at low rates, every defect SPEC part B names.

Typed-level defects (on datetime columns, before rendering) keep the instant arithmetic
simple; text-level defects work on the rendered all-text frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BAD_TIMESTAMPS = np.array(
    ["2026/03/04", "04.03.2026", "now", "infinity", "2026-03-04", "2026-02-30T10:00:00Z",
     "yesterday 10:00", "2026-13-01 00:00:00"]
)
BAD_NUMBERS = np.array(["abc", "1.5", "12,5", "NaN", "--", "1e3x"])


def _pick(rng: np.random.Generator, frame: pd.DataFrame, rate: float) -> np.ndarray:
    return rng.random(len(frame)) < rate


# --- typed level -------------------------------------------------------------------------

def reverse(
    rng: np.random.Generator, frame: pd.DataFrame, later: str, earlier: str, rate: float
) -> pd.DataFrame:
    """Make ``later`` one hour before ``earlier`` on some rows where both are set."""
    rows = _pick(rng, frame, rate) & frame[later].notna() & frame[earlier].notna()
    frame.loc[rows, later] = frame.loc[rows, earlier] - pd.Timedelta(hours=1)
    return frame


def solved_without_resolution(
    rng: np.random.Generator, frame: pd.DataFrame, rate: float
) -> pd.DataFrame:
    rows = _pick(rng, frame, rate) & frame["status"].isin(["solved", "closed"])
    frame.loc[rows, "resolved_at"] = pd.NaT
    return frame


def supersede(
    rng: np.random.Generator, frame: pd.DataFrame, rate: float, status_values: list[str]
) -> pd.DataFrame:
    """Append older versions of some keys: earlier updated_at, another status."""
    older = frame[_pick(rng, frame, rate)].copy()
    older["updated_at"] = older["updated_at"] - pd.to_timedelta(
        rng.integers(3600, 5 * 86_400, len(older)), unit="s"
    )
    if "status" in older:
        older["status"] = rng.choice(status_values, len(older))
    return pd.concat([frame, older], ignore_index=True)


def shift_back(
    rng: np.random.Generator, frame: pd.DataFrame, column: str, rate: float, days: int
) -> pd.DataFrame:
    """Move ``column`` ``days`` earlier on some rows (before the row's parent, as a rule)."""
    frame = frame.copy()
    rows = _pick(rng, frame, rate) & frame[column].notna()
    frame.loc[rows, column] = frame.loc[rows, column] - pd.Timedelta(days=days)
    return frame


# --- text level --------------------------------------------------------------------------

def odd_case(
    rng: np.random.Generator, frame: pd.DataFrame, columns: list[str], rate: float
) -> pd.DataFrame:
    for column in columns:
        rows = _pick(rng, frame, rate) & (frame[column] != "")
        styled = np.where(
            rng.random(int(rows.sum())) < 0.5,
            " " + frame.loc[rows, column].str.upper() + " ",
            frame.loc[rows, column].str.title() + "  ",
        )
        frame.loc[rows, column] = styled
    return frame


def blank(
    rng: np.random.Generator, frame: pd.DataFrame, columns: list[str], rate: float
) -> pd.DataFrame:
    for column in columns:
        frame.loc[_pick(rng, frame, rate), column] = ""
    return frame


def replace_with(
    rng: np.random.Generator, frame: pd.DataFrame, columns: list[str], rate: float,
    values: np.ndarray | list[str],
) -> pd.DataFrame:
    for column in columns:
        rows = _pick(rng, frame, rate)
        frame.loc[rows, column] = rng.choice(np.asarray(values), int(rows.sum()))
    return frame


def garble_timestamps(
    rng: np.random.Generator, frame: pd.DataFrame, columns: list[str], rate: float
) -> pd.DataFrame:
    return replace_with(rng, frame, columns, rate, BAD_TIMESTAMPS)


def garble_numbers(
    rng: np.random.Generator, frame: pd.DataFrame, columns: list[str], rate: float
) -> pd.DataFrame:
    return replace_with(rng, frame, columns, rate, BAD_NUMBERS)


def duplicate(rng: np.random.Generator, frame: pd.DataFrame, rate: float) -> pd.DataFrame:
    """Append exact copies of some rows."""
    return pd.concat([frame, frame[_pick(rng, frame, rate)]], ignore_index=True)


def conflicting_copies(
    rng: np.random.Generator, frame: pd.DataFrame, column: str, rate: float, values: list[str]
) -> pd.DataFrame:
    """Append copies of some rows with another value in ``column``: one key, two rows."""
    copies = frame[_pick(rng, frame, rate)].copy()
    others = rng.choice(np.asarray(values), len(copies))
    same = copies[column].str.strip().str.lower() == others
    copies[column] = np.where(same, "closed", others)
    return pd.concat([frame, copies], ignore_index=True)


def restamped_copies(
    rng: np.random.Generator, frame: pd.DataFrame, column: str, rate: float
) -> pd.DataFrame:
    """Append copies of some rows whose ``...Z`` instant is written ``YYYY-MM-DD hh:mm:ss``:
    the same instant (the same key) in other text, so not an exact duplicate."""
    plain = frame[column].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", na=False)
    copies = frame[_pick(rng, frame, rate) & plain].copy()
    copies[column] = copies[column].str[:-1].str.replace("T", " ", regex=False)
    return pd.concat([frame, copies], ignore_index=True)


def shuffle(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in random order: no model may rely on file order."""
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
