"""AppTest runs of every page (``pages/``) and of the router (``dashboard.py``)."""
