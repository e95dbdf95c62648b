"""Real-browser tests: the dashboard served by `streamlit run`, driven by Debian's chromium."""
