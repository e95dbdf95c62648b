"""Build time only: the province boundaries the dashboard's maps draw (``python -m etl.maps``)."""
