"""The edges: the MkDocs plugin and the command line, which load, call the core and report."""
