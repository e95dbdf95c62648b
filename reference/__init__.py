"""The reference model both sides read: the outcome framework and its geography
(data/reference/framework.yaml), where files live, the settings, and how SQL files take
their bound parameters. The ETL and the dashboard import this package, never each other.
Nothing here imports streamlit."""
