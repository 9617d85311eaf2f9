"""Static HTML dashboard generated from the published marts (``python -m cs_kpi.dashboard``)."""
