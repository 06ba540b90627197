"""Real-browser tests: Playwright on Debian's Chromium against a real ``streamlit run``."""
