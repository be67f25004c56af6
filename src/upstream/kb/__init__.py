"""The embedded knowledge base: cited YAML records under `data/`, read through importlib.resources."""
