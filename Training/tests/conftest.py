import os
import sys

# Tests import the training packages (clade, landscape) from Training/.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
