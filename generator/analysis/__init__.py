"""What is worked out from the analyses: audits, hypotheses and their readings, versions of the
paper's network, families, lineage, sweeps, and the site model."""
