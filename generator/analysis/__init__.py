"""What is worked out from the analyses: audits, readings, hypotheses, lineage, the site model."""
