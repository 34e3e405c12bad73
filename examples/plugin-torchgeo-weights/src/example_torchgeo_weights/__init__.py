"""torchgeo's weights as a weighthub plugin, names and meta unchanged."""
