"""The procedural landscape data set: layouts, instance ids and rendered pictures."""
