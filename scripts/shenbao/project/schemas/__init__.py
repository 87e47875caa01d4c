"""JSON Schemas of the data files, shipped with the package and read with importlib.resources."""
