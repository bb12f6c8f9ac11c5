"""Application services: the only place that turns requests' plain data into database rows.

No HTTP objects here (no request, no session); views pass in what these need.
"""
