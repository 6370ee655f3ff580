"""Conditioning maps, the Python twin of Sources/CLADE/Conditioning/ (contract: docs/conditioning.md).

Every function here must agree bit for bit with the Swift side, so class votes use integer arithmetic and
the distance map uses float64 throughout and rounds to float32 once at the end.

Layouts: label and instance maps are int32 ``[H, W]``; the edge map is float32 ``[H, W]``; the distance map
is float32 ``[2, H, W]`` with channels ``[h, w]``; one-hot maps are float32 ``[classes, H, W]``.
"""

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def _as_map(array, name):
    """Returns ``array`` as an int32 ``[H, W]`` map, or raises naming the problem."""
    array = np.asarray(array)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D [H, W] map, got shape {array.shape}")
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"{name} is empty: shape {array.shape}")
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integer ids, got dtype {array.dtype}")
    if array.size and (array.min() < np.iinfo(np.int32).min or array.max() > np.iinfo(np.int32).max):
        raise ValueError(f"{name} holds ids outside the int32 range")
    return array.astype(np.int32, copy=False)


def _as_pair(labels, instances):
    """Validates a label map and its instance map: int32 ``[H, W]`` each, same shape."""
    labels = _as_map(labels, "labels")
    instances = _as_map(instances, "instances")
    if labels.shape != instances.shape:
        raise ValueError(f"labels {labels.shape} and instances {instances.shape} differ in shape")
    return labels, instances


def _vote_axis(grid_size, size):
    """Per output index along one axis: the two source cells and their integer weights (section 1)."""
    position = np.arange(size, dtype=np.int64)
    num = (2 * position + 1) * grid_size - size
    den = 2 * size
    first = num // den
    fraction = num - first * den
    near = np.clip(first, 0, grid_size - 1)
    far = np.clip(first + 1, 0, grid_size - 1)
    return near, far, den - fraction, fraction


def upsample_labels(labels, instances, height, width, method="vote"):
    """Upsamples a painted grid to ``height x width``: ``method`` ``"vote"``, a bilinear class vote of the four
    nearest cells (section 1a), or ``"smooth"``, the area-preserving smoothed object vote (section 1b, used where
    the grid is smaller than the picture on both axes; otherwise the class vote).

    ``labels`` and ``instances`` are integer ``[gh, gw]`` grids. Returns ``(labels, instances)``, both int32
    ``[height, width]``. A grid already at that size comes back unchanged.
    """
    labels, instances = _as_pair(labels, instances)
    if height < 1 or width < 1:
        raise ValueError(f"output size must be positive, got {height}x{width}")
    if method not in UPSAMPLINGS:
        raise ValueError(f"the upsampling must be one of {UPSAMPLINGS}, got {method!r}")
    grid_h, grid_w = labels.shape
    if method == "smooth" and grid_h <= height and grid_w <= width and (grid_h, grid_w) != (height, width):
        return smooth_upsample_labels(labels, instances, height, width)
    row_near, row_far, row_w_near, row_w_far = _vote_axis(grid_h, height)
    col_near, col_far, col_w_near, col_w_far = _vote_axis(grid_w, width)

    # The four voting cells in the contract's order: (y0,x0), (y0,x1), (y1,x0), (y1,x1).
    # Weights stay below 2 * height * 2 * width * 4, well inside int32 for any picture size used here.
    row_pairs = ((row_near, row_w_near), (row_far, row_w_far))
    col_pairs = ((col_near, col_w_near), (col_far, col_w_far))
    classes, ids, weights = [], [], []
    for rows, row_weight in row_pairs:
        class_rows, id_rows = labels[rows], instances[rows]
        for cols, col_weight in col_pairs:
            classes.append(class_rows[:, cols])
            ids.append(id_rows[:, cols])
            weights.append(row_weight.astype(np.int32)[:, None] * col_weight.astype(np.int32)[None, :])

    same = {(j, k): classes[j] == classes[k] for j in range(4) for k in range(j + 1, 4)}
    totals = []
    for k in range(4):
        total = weights[k].copy()
        for j in range(4):
            if j != k:
                total += same[min(j, k), max(j, k)] * weights[j]
        totals.append(total)

    # Largest total wins; equal totals go to the lower class id.
    chosen, best = classes[0], totals[0]
    for k in range(1, 4):
        better = (totals[k] > best) | ((totals[k] == best) & (classes[k] < chosen))
        chosen = np.where(better, classes[k], chosen)
        best = np.where(better, totals[k], best)

    # The instance of the heaviest voter for the chosen class; the first of equal weights wins.
    chosen_instance = ids[0]
    heaviest = np.where(classes[0] == chosen, weights[0], -1)
    for k in range(1, 4):
        heavier = (classes[k] == chosen) & (weights[k] > heaviest)
        chosen_instance = np.where(heavier, ids[k], chosen_instance)
        heaviest = np.where(heavier, weights[k], heaviest)
    return chosen.astype(np.int32), chosen_instance.astype(np.int32)


UPSAMPLINGS = ("vote", "smooth")
SMOOTH_KERNEL_CELLS = 2.0  # the cubic B-spline's stretch: sigma = 2 / sqrt(3) = 1.15 cells
SMOOTH_ROUNDS = 16  # rounds of the per-part area balance
SMOOTH_ROUNDS_PER_STEP = 4  # rounds between halvings of the balance's step exponent


def _spline_axis(grid_size, size):
    """Per output index along one axis: the ``2 * reach`` cells (clamped to the grid) around it and their float64
    weights, a cubic B-spline stretched to ``SMOOTH_KERNEL_CELLS`` (section 1b). Returns ``(cells, weights)``,
    each ``[taps, size]``."""
    reach = int(2 * SMOOTH_KERNEL_CELLS)
    position = np.arange(size, dtype=np.int64)
    num = (2 * position + 1) * grid_size - size
    den = 2 * size
    centre = num.astype(np.float64) / np.float64(den)
    first = num // den
    cells, weights = [], []
    for offset in range(1 - reach, reach + 1):
        cell = first + offset
        x = np.abs(centre - cell.astype(np.float64)) / SMOOTH_KERNEL_CELLS
        inner = ((3.0 * x - 6.0) * x) * x + 4.0
        rest = 2.0 - x
        outer = (rest * rest) * rest
        weights.append(np.where(x < 1.0, inner, np.where(x < 2.0, outer, 0.0)))
        cells.append(np.clip(cell, 0, grid_size - 1))
    return np.stack(cells), np.stack(weights)


def thin_cells(labels, instances):
    """Cells of one-cell rows and columns, bool ``[gh, gw]``: a cell whose (class, instance) differs from both its
    neighbours above and below, or from both its neighbours left and right (outside the grid counts as equal)."""
    key = (labels.astype(np.int64) << 32) | (instances.astype(np.int64) & 0xFFFFFFFF)
    padded = np.pad(key, 1, mode="edge")
    centre = padded[1:-1, 1:-1]
    across_rows = (padded[:-2, 1:-1] != centre) & (padded[2:, 1:-1] != centre)
    across_cols = (padded[1:-1, :-2] != centre) & (padded[1:-1, 2:] != centre)
    return across_rows | across_cols


def grid_parts(labels, instances):
    """The parts of a painted grid that keep their area: 8-connected cells of one (class, instance) pair that are
    all thin or all not (``thin_cells``), numbered in the order of each part's first cell in row-major order.
    Returns ``(numbers int64 [gh, gw], count)``."""
    thin = thin_cells(labels, instances).astype(np.int32)
    components, count = object_components(labels * 2 + thin, instances)
    flat = components.ravel()
    first = np.full(count, flat.size, dtype=np.int64)
    np.minimum.at(first, flat, np.arange(flat.size, dtype=np.int64))
    order = np.empty(count, dtype=np.int64)
    order[np.argsort(first, kind="stable")] = np.arange(count, dtype=np.int64)
    return order[components], count


def smooth_upsample_labels(labels, instances, height, width):
    """The smooth, area-preserving upsampling of a painted grid (section 1b), int32 ``(labels, instances)``.

    The grid is cut into parts (``grid_parts``: painted objects, with their one-cell rows and columns apart). Each
    part votes at each pixel with the sum over its cells of a cubic B-spline weight stretched to
    ``SMOOTH_KERNEL_CELLS`` cells, times the part's gain; the pixel takes the class and instance of the part with the
    largest weighted vote. The gains are balanced in ``SMOOTH_ROUNDS`` rounds so that every
    part keeps about the area it was painted with: a one-cell row or column keeps its width, where a plain smoothed
    vote lets the wider neighbours take it over.
    """
    grid_h, grid_w = labels.shape
    numbers, count = grid_parts(labels, instances)
    part_class = np.zeros(count, dtype=np.int32)
    part_instance = np.zeros(count, dtype=np.int32)
    part_class[numbers.ravel()] = labels.ravel()
    part_instance[numbers.ravel()] = instances.ravel()
    cells = np.bincount(numbers.ravel(), minlength=count).astype(np.int64)
    target = (cells * (height * width)).astype(np.float64) / np.float64(grid_h * grid_w)

    row_cells, row_weights = _spline_axis(grid_h, height)
    col_cells, col_weights = _spline_axis(grid_w, width)
    # votes[k, y, x]: part k's vote, summed over the window in row-major tap order (the Swift order).
    votes = np.zeros((count, height, width), dtype=np.float64)
    ys = np.arange(height)[:, None]
    xs = np.arange(width)[None, :]
    for row_tap in range(row_cells.shape[0]):
        row_number = numbers[row_cells[row_tap]]
        for col_tap in range(col_cells.shape[0]):
            number = row_number[:, col_cells[col_tap]]
            votes[number, ys, xs] += row_weights[row_tap][:, None] * col_weights[col_tap][None, :]

    def assign(gain):
        # The part with the largest weighted vote (equal votes: the lower part number).
        return np.argmax(votes * gain[:, None, None], axis=0)

    gain = np.ones(count, dtype=np.float64)
    for round_number in range(SMOOTH_ROUNDS):
        area = np.bincount(assign(gain).ravel(), minlength=count).astype(np.float64)
        step = np.clip(target / np.maximum(area, 1.0), 0.25, 4.0)
        # Ever smaller steps (square root, fourth root, ...) so that neighbours that trade pixels settle.
        for _ in range(1 + round_number // SMOOTH_ROUNDS_PER_STEP):
            step = np.sqrt(step)
        gain = gain * step
    winner = assign(gain)
    return part_class[winner], part_instance[winner]


EDGE_RULES = ("class_and_instance", "instance")
OBJECT_RULES = ("class_and_instance", "class")


def _check_rule(rule, rules, name):
    if rule not in rules:
        raise ValueError(f"{name} must be one of {rules}, got {rule!r}")


def edge_map(labels, instances, rule="class_and_instance"):
    """Instance edge map, float32 ``[H, W]``: 1 where a pixel differs from a 4-neighbour.

    ``rule`` says what differs: ``"class_and_instance"`` the (class, instance) pair (the painter's rule),
    ``"instance"`` the instance value alone (SPADE's ``get_edges``).
    """
    labels, instances = _as_pair(labels, instances)
    _check_rule(rule, EDGE_RULES, "the edge rule")
    if rule == "instance":
        labels = np.zeros_like(labels)
    edges = np.zeros(labels.shape, dtype=bool)
    across = (labels[:, 1:] != labels[:, :-1]) | (instances[:, 1:] != instances[:, :-1])
    edges[:, 1:] |= across
    edges[:, :-1] |= across
    down = (labels[1:, :] != labels[:-1, :]) | (instances[1:, :] != instances[:-1, :])
    edges[1:, :] |= down
    edges[:-1, :] |= down
    return edges.astype(np.float32)


def object_components(labels, instances, ignored_class=None, rule="class_and_instance"):
    """Objects: 8-connected components of equal (class, instance) pairs, or of one class (``rule="class"``).

    Returns ``(components, count)``: int64 ``[H, W]`` component numbers in ``0 ..< count`` (numbering is
    arbitrary), with -1 on pixels of ``ignored_class``, which belong to no object.
    """
    labels, instances = _as_pair(labels, instances)
    _check_rule(rule, OBJECT_RULES, "the object rule")
    if rule == "class":
        instances = np.zeros_like(instances)
    height, width = labels.shape
    pixels = height * width
    # One int64 key per (class, instance) pair.
    key = ((labels.astype(np.int64) << 32) | (instances.astype(np.int64) & 0xFFFFFFFF)).ravel()
    kept = np.ones(pixels, dtype=bool) if ignored_class is None else labels.ravel() != ignored_class
    column = np.arange(pixels, dtype=np.int32) % width

    # Links between equal keys at the 4 forward offsets of the 8-neighbourhood (flat index steps), dropping
    # pairs that would wrap around a row.
    sources, targets = [], []
    for step, wraps in ((1, column == width - 1), (width, None), (width + 1, column == width - 1),
                        (width - 1, column == 0)):
        if not 0 < step < pixels:
            continue
        # Equal keys share the class, so both pixels are kept or both ignored; ignored ones link to nothing.
        same = (key[:-step] == key[step:]) & kept[:-step]
        if wraps is not None:
            same &= ~wraps[:-step]
        linked = np.flatnonzero(same).astype(np.int32)
        sources.append(linked)
        targets.append(linked + np.int32(step))
    sources = np.concatenate(sources) if sources else np.zeros(0, dtype=np.int32)
    targets = np.concatenate(targets) if targets else np.zeros(0, dtype=np.int32)
    graph = coo_matrix((np.ones(sources.size, dtype=np.int8), (sources, targets)), shape=(pixels, pixels))
    _, numbers = connected_components(graph.tocsr(), directed=False)

    # Renumber so that objects are 0 ..< count and ignored pixels (singletons in the graph) are -1.
    is_object = np.zeros(numbers.max() + 1, dtype=bool)
    is_object[numbers[kept]] = True
    renumber = np.cumsum(is_object) - 1
    components = np.where(kept, renumber[numbers], -1).astype(np.int64).reshape(height, width)
    return components, int(is_object.sum())


def distance_map(labels, instances, ignored_class=None, rule="class_and_instance"):
    """ICPE distance map, float32 ``[2, H, W]``, channels ``[h, w]`` (section 3).

    Per object (``rule`` as in ``object_components``): offsets from the centroid divided by the object's largest
    offset on that axis (+1e-5), computed in float64. Pixels of ``ignored_class`` are 0.
    """
    components, count = object_components(labels, instances, ignored_class, rule)
    height, width = components.shape
    result = np.zeros((2, height, width), dtype=np.float32)
    inside = components >= 0
    if count == 0:
        return result
    number = components[inside]
    rows, cols = np.nonzero(inside)
    size = np.bincount(number, minlength=count).astype(np.float64)
    for channel, coordinate in enumerate((rows, cols)):
        # Sums of integer coordinates stay below 2**53, so the float64 sums are exact in any order.
        centre = np.bincount(number, weights=coordinate.astype(np.float64), minlength=count) / size
        offset = coordinate.astype(np.float64) - centre[number]
        reach = np.zeros(count, dtype=np.float64)
        np.maximum.at(reach, number, np.abs(offset))
        result[channel][inside] = (offset / (reach[number] + 1e-5)).astype(np.float32)
    return result


def nearest_resize_index(in_size, out_size):
    """Source index per output index of PyTorch's ``F.interpolate(mode="nearest")`` along one axis.

    PyTorch computes ``scale = float32(in) / float32(out)`` and ``min(floor(float32(dst) * scale), in - 1)``
    in float32, which differs from the exact ``floor(dst * in / out)`` for some size pairs. Returns int64 ``[out]``.
    """
    if in_size < 1 or out_size < 1:
        raise ValueError(f"sizes must be positive, got {in_size} -> {out_size}")
    scale = np.float32(in_size) / np.float32(out_size)
    source = np.floor(np.arange(out_size, dtype=np.float32) * scale).astype(np.int64)
    return np.minimum(source, in_size - 1)


def nearest_resize(array, height, width):
    """Nearest-resizes the last two axes of ``array`` (``[..., H, W]``) to ``height x width`` as PyTorch does."""
    array = np.asarray(array)
    if array.ndim < 2:
        raise ValueError(f"nearest_resize needs [..., H, W], got shape {array.shape}")
    rows = nearest_resize_index(array.shape[-2], height)
    cols = nearest_resize_index(array.shape[-1], width)
    return array[..., rows[:, None], cols[None, :]]


def pillow_nearest_index(in_size, out_size):
    """Source index per output index of Pillow's ``Image.resize(..., Image.NEAREST)`` along one axis (section 6).

    Pillow walks the source in float64: with ``scale = in / out``, index 0 reads ``floor(scale / 2)`` and each next
    index adds ``scale`` to a running sum. Returns int64 ``[out]``.
    """
    if in_size < 1 or out_size < 1:
        raise ValueError(f"sizes must be positive, got {in_size} -> {out_size}")
    scale = in_size / out_size
    position = scale * 0.5
    source = np.empty(out_size, dtype=np.int64)
    for index in range(out_size):
        source[index] = min(int(position), in_size - 1)
        position += scale
    return source


def pillow_nearest_resize(array, height, width):
    """Nearest-resizes the last two axes of ``array`` to ``height x width`` as Pillow's NEAREST resize does."""
    array = np.asarray(array)
    if array.ndim < 2:
        raise ValueError(f"pillow_nearest_resize needs [..., H, W], got shape {array.shape}")
    rows = pillow_nearest_index(array.shape[-2], height)
    cols = pillow_nearest_index(array.shape[-1], width)
    return array[..., rows[:, None], cols[None, :]]


def ignored_icpe_class(config):
    """The class index that gets no ICPE encoding under ``config.conditioning``, or None."""
    ignored = config.conditioning["icpe_ignored_class"]
    if ignored == "none":
        return None
    if ignored == "dontcare":
        return config.label_nc if config.contain_dontcare_label else None
    return ignored


def data_set_maps(labels, instances, config, height, width, distances=None):
    """A data set's label and instance maps (any size, class indices) to the generator's maps at ``height x width``,
    as the official test pipeline makes them under ``config.conditioning`` (section 6).

    Returns ``(labels, edges, distances)``: labels int32 ``[height, width]`` (Pillow's nearest rule), the edge map
    float32 ``[height, width]`` or None, the distance map float32 ``[2, height, width]`` or None. ``distances``
    (``[2, h, w]``, the official ``.npy``) replaces the computed distance map.
    """
    labels, instances = _as_pair(labels, instances)
    conventions = config.conditioning
    picture = pillow_nearest_resize(labels, height, width)
    picture_instances = pillow_nearest_resize(instances, height, width)
    edges = edge_map(picture, picture_instances, conventions["edges"]) if config.use_instance_edges else None
    distance = None
    if config.use_icpe:
        ignored = ignored_icpe_class(config)
        rule = conventions["icpe_objects"]
        if distances is not None:
            distance = nearest_resize(np.asarray(distances, dtype=np.float32), height, width)
        elif conventions["icpe_map_size"] == "source":
            distance = nearest_resize(distance_map(labels, instances, ignored, rule), height, width)
        else:
            distance = distance_map(picture, picture_instances, ignored, rule)
    return picture, edges, distance


def one_hot(labels, classes):
    """One-hot semantic map, float32 ``[classes, H, W]``, from an integer label map ``[H, W]``."""
    labels = _as_map(labels, "labels")
    if labels.min() < 0 or labels.max() >= classes:
        raise ValueError(
            f"labels hold class ids {labels.min()}..{labels.max()}, outside 0..{classes - 1}"
        )
    result = np.zeros((classes,) + labels.shape, dtype=np.float32)
    np.put_along_axis(result, labels[None].astype(np.int64), 1.0, axis=0)
    return result
