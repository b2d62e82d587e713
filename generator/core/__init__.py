"""The pure core: layer kinds, formulas and the engine that turns a spec into per-layer results."""
