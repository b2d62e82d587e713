"""Exact layer arithmetic for AlexNet and its variants, published as a MkDocs site.

The package is a pure core (``spec`` → ``loader`` → ``engine`` → ``audit`` → ``pages``) with two
thin edges: the MkDocs plugin (``plugin``) and the command line (``cli``).
"""
