"""The data-quality gate: Great Expectations suites run inside the DuckDB warehouse."""

import os

# No usage statistics, no network: set before any great_expectations import in this package.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import warnings

# Great Expectations imports pyspark when it is installed (the spark target), and pyspark
# warns about the pandas version at import; the gate never runs pyspark.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
