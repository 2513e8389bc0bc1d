"""One settings module per integration, each imported by base.py (devtools.py only by dev/test/bench).

Each module reads its own environment variables and defines only its own settings; none imports
application code, so settings load before (and without) any app.
"""
