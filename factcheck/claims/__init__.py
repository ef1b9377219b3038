"""Claim detection: spans and types, standalone statements, check-worthiness scoring."""
