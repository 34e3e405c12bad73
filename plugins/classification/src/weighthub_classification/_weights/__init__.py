"""The weights enums, one torch-free module per model family (``_resnet``, ``_vgg`` ...)."""
