"""weighthub-timm (temporary skeleton of the timm-build worktree)."""
