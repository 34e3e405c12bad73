"""The hooks a weighthub plugin can implement.

A plugin is a distribution with an entry point in the group ``weighthub.plugins`` whose value is a
module. That module implements hooks, marked with :data:`weighthub.hookimpl`::

    # pyproject.toml
    [project.entry-points."weighthub.plugins"]
    mynets = "mynets._plugin"

    # mynets/_plugin.py
    import weighthub

    @weighthub.hookimpl
    def register_models(registry: weighthub.Registry) -> None:
        registry.add_model(
            "mynet_s",
            task="image_classification",
            builder="mynets._builders:mynet_s",
            weights="mynets._weights:MyNet_S_Weights",
        )

Keep the plugin module light: it is imported by ``weighthub.list_models()``. Give builders and
weights as ``"module:attribute"`` strings so their modules (and torch) are imported only when a user
asks for that model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._markers import hookspec

if TYPE_CHECKING:
    from ._registry import Registry

__all__ = ["register_models"]


@hookspec
def register_models(registry: Registry) -> None:
    """Register the plugin's models by calling ``registry.add_model(...)`` once per model.

    A plugin that owns a task declares it here too, with ``registry.add_task(weighthub.Task(...))``.

    Args:
        registry: Collects this plugin's models. See :meth:`weighthub.Registry.add_model`.
    """
