"""torchvision's test files run through strict_run.py in a folder of their own, not here."""

collect_ignore = ["torchvision/harness"]
