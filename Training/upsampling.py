"""The upsamplings of a painted grid compared by the painted-grid evaluation (docs/conditioning.md, section 1).

``vote`` (the bilinear class vote) and ``smooth`` (the area-preserving smoothed object vote) are the engine's,
``clade.conditioning.upsample_labels``; ``gaussian`` is the comparison candidate only: a Gaussian class vote with a
sigma of one cell, which removes the grid's stair steps but lets one-cell rows and columns vanish.
"""

import numpy as np
from scipy.ndimage import gaussian_filter

from clade.conditioning import UPSAMPLINGS, upsample_labels

CANDIDATES = UPSAMPLINGS + ("gaussian",)


def gaussian_class_vote(labels, instances, height, width, sigma_cells=1.0):
    """Each pixel takes the class whose nearest-upsampled indicator, blurred with a Gaussian of ``sigma_cells``
    cells, is largest (ties: the lower class id), and the instance of its nearest cell of that class's vote."""
    labels, instances = np.asarray(labels), np.asarray(instances)
    grid_h, grid_w = labels.shape
    rows = (np.arange(height) * grid_h) // height
    cols = (np.arange(width) * grid_w) // width
    nearest = labels[rows[:, None], cols[None, :]]
    nearest_ids = instances[rows[:, None], cols[None, :]]
    classes = np.unique(labels)
    sigma = (sigma_cells * height / grid_h, sigma_cells * width / grid_w)
    fields = np.stack([gaussian_filter((nearest == c).astype(np.float64), sigma, mode="nearest") for c in classes])
    chosen = classes[np.argmax(fields, axis=0)].astype(np.int32)
    # Instances: the nearest cell's where it has the chosen class, else the upsampled instance of that class.
    vote_labels, vote_ids = upsample_labels(labels, instances, height, width, "vote")
    ids = np.where(nearest == chosen, nearest_ids, np.where(vote_labels == chosen, vote_ids, 0))
    return chosen, ids.astype(np.int32)


def upsample(method, labels, instances, height, width):
    """A painted grid at ``height x width`` by the candidate ``method`` (one of ``CANDIDATES``)."""
    if method == "gaussian":
        return gaussian_class_vote(labels, instances, height, width)
    return upsample_labels(labels, instances, height, width, method)
