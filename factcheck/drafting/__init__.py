"""Drafting notes: deterministic checks, the citation rule, judges, the LLM client, prompts."""
