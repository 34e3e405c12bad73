"""The builders, one module per model family; they import torch and torchvision."""
