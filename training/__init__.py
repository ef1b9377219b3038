"""Making factcheck's models: the verification model's data and training, the check-worthiness weights, the
calibration of every kind of lean, shipping a model into the package, and reading across CPU kinds. Not part of
the installed package; run from the project folder, e.g. `.venv/bin/python -m training.calibrate_judges`."""
