"""Evaluation runs against hand-labelled data: datasets, metrics, reports."""
