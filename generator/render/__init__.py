"""Turning the site model into files: Markdown pages, figure JSON, the PyTorch script, exports."""
