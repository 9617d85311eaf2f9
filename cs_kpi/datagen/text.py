"""Free text and personal data pools: commas, quotes, newlines and non-ASCII on purpose."""

from __future__ import annotations

import numpy as np

FIRST_NAMES = np.array([
    "Anna", "José", "Zoë", "Łukasz", "Søren", "Chloé", "Mohammed", "Yuki", "Nguyễn",
    "Olga", "Pedro", "Aisha", "Liam", "Märta", "Ömer", "Priya", "Björn", "Elif", "Noah", "李",
])
LAST_NAMES = np.array([
    "Smith", "O'Brien", "García", "Müller", "Kowalski", "Dubois", "Tanaka", "Ivanova",
    "Nakamura", "Ödegaard", "Silva", "Hernández", "Rossi", "Ng", "Jensen", "Çelik", "王",
])
COUNTRIES = np.array(["DE", "FR", "US", "GB", "PL", "ES", "JP", "BR", "SE", "TR"])
TEAMS = np.array(["Billing", "Technical", "Logistics", "General"])

COMMENTS = np.array([
    "Great service, thanks!",
    'The agent said "it\'s fixed" but it wasn\'t',
    "Slow reply,\nhad to write twice",
    "Très bien 👍",
    "Ok",
    "Never again; three calls, still broken",
    "Schnell und freundlich – danke",
    "素晴らしいサポート",
    'Refund took 3 weeks, "processing"...',
    "Fine, I guess\r\nbut the app keeps crashing",
    "Helpful, quick, polite",
    "",
])


def names(rng: np.random.Generator, size: int) -> np.ndarray:
    first = rng.choice(FIRST_NAMES, size=size)
    last = rng.choice(LAST_NAMES, size=size)
    return np.char.add(np.char.add(first, " "), last).astype(object)


def emails(ids: np.ndarray) -> np.ndarray:
    return np.char.add(np.char.lower(ids.astype(str)), "@example.com").astype(object)


def phones(rng: np.random.Generator, size: int) -> np.ndarray:
    digits = rng.integers(100_000_000, 999_999_999, size=size).astype(str)
    return np.char.add("+49 ", digits).astype(object)
