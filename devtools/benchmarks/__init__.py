"""`make bench`: in-process page measurements, a live gunicorn + locust run, and the report."""
