"""Vectorised rendering of UTC instants as the ISO 8601 text forms SPEC part A allows."""

from __future__ import annotations

import numpy as np

# Offsets in minutes, chosen so that some move an instant into another local day.
OFFSETS_MINUTES = np.array([120, -300, 330, -480, 540, 840, -210, 60])


def _offset_text(minutes: np.ndarray) -> np.ndarray:
    sign = np.where(minutes < 0, "-", "+")
    absolute = np.abs(minutes)
    hours = np.char.zfill((absolute // 60).astype(str), 2)
    mins = np.char.zfill((absolute % 60).astype(str), 2)
    return np.char.add(np.char.add(np.char.add(sign, hours), ":"), mins)


def render(instants: np.ndarray, rng: np.random.Generator, mixed: bool = True) -> np.ndarray:
    """Render datetime64 UTC instants as text; NaT becomes an empty string.

    With ``mixed`` the forms are mixed: mostly ``...Z``, some with a numeric offset (the
    wall-clock time shifted accordingly), some ``YYYY-MM-DD hh:mm:ss`` (UTC), some with
    fractional seconds.
    """
    instants = instants.astype("datetime64[s]")
    missing = np.isnat(instants)
    safe = np.where(missing, np.datetime64("2000-01-01T00:00:00"), instants)
    out = np.char.add(np.datetime_as_string(safe, unit="s"), "Z").astype(object)
    if mixed and len(safe):
        form = rng.choice(4, size=len(safe), p=[0.70, 0.15, 0.10, 0.05])
        offset_rows = form == 1
        if offset_rows.any():
            minutes = rng.choice(OFFSETS_MINUTES, size=int(offset_rows.sum()))
            local = safe[offset_rows] + minutes.astype("timedelta64[m]")
            out[offset_rows] = np.char.add(
                np.datetime_as_string(local, unit="s"), _offset_text(minutes)
            )
        space_rows = form == 2
        if space_rows.any():
            out[space_rows] = np.char.replace(
                np.datetime_as_string(safe[space_rows], unit="s"), "T", " "
            )
        fraction_rows = form == 3
        if fraction_rows.any():
            millis = rng.integers(0, 1000, size=int(fraction_rows.sum())).astype("timedelta64[ms]")
            precise = safe[fraction_rows].astype("datetime64[ms]") + millis
            out[fraction_rows] = np.char.add(np.datetime_as_string(precise, unit="ms"), "Z")
    out[missing] = ""
    return out
