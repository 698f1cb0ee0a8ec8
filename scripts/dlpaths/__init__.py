"""DL Paths site engine: content model, notebooks, components and the docs CLI."""
