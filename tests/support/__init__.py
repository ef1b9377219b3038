"""Helpers the tests share: paths, fakes, the desk served from a test, headless Chromium, hostile inputs."""
