"""The data-quality gate: Great Expectations suites run inside the DuckDB warehouse."""

import os

# No usage statistics, no network: set before any great_expectations import in this package.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
