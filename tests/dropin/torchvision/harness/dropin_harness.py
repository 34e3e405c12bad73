"""A pytest plugin for the strict run (``-p dropin_harness``); torchvision's files are untouched.

With ``DROPIN_STUB_PRETRAINED=1``, ``test_pretrained_deprecation`` runs under test_models.py's own
``disable_weight_loading`` fixture, its body unchanged: the selection issue 20 names. Offline, that
test otherwise tries to download every checkpoint, with torchvision as with weighthub.
"""

import os

import pytest


@pytest.fixture(autouse=True)
def _stub_pretrained_deprecation(request):
    if (
        os.getenv("DROPIN_STUB_PRETRAINED") == "1"
        and request.node.originalname == "test_pretrained_deprecation"
    ):
        import test_models  # torchvision's, copied into the run's folder

        stub = test_models.disable_weight_loading._get_wrapped_function()
        stub(request.getfixturevalue("mocker"))
