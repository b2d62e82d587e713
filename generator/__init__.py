"""Exact layer arithmetic for AlexNet and its variants, published as a MkDocs site.

The sub-packages are the stages of one pipeline; each imports only the ones listed before it
(``tests/test_layering.py`` holds them to it):

- ``spec``: the declared format (typed, frozen models), its JSON Schema, the located error type;
- ``core``: one entry per layer kind, one function per formula, the engine over a spec's layers;
- ``load``: reading spec files into validated specs and analyses, every mistake located;
- ``analysis``: audits, the versions of the paper's network, the hypothesis finder, lineage,
  sweeps, operation counters' predictions, and the site model
  that holds them all, computed once per build;
- ``render``: Markdown pages, figures, the PyTorch script and the exports, read off the site model;
- ``edges``: the MkDocs plugin and the command line, the only code that talks to MkDocs or a terminal.
"""
