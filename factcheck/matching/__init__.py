"""Claim matching ("checked before?"): a claim against fact-checks already published or reviewed."""
