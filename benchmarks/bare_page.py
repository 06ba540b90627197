"""The one-line page the browser benchmark compares every dashboard page with (served by the
same server, only when ``GONGKAI_BENCH_BARE_PAGE=1``): what Streamlit itself costs."""
import streamlit as st

st.title("Bare")
