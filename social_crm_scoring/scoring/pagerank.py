"""Weighted PageRank by sparse power iteration (numpy)."""

from __future__ import annotations

import math

import numpy

#: node ids up to FACTOR x the node count + MIN are located through a lookup table by id
DENSE_LOOKUP_FACTOR = 16
DENSE_LOOKUP_MIN = 1_000_000


def _check_weight(weight):
    weight = float(weight)
    if not math.isfinite(weight) or weight < 0:
        raise ValueError(f"Edge weights must be finite numbers >= 0, got {weight!r}.")
    return weight


def _merge_edges(edges, index):
    """Aggregated ``{(source index, target index): weight}`` of the usable edges, for edges
    that are not a numeric table (ragged rows, ids that are not integers)."""
    merged = {}
    for edge in edges:
        if len(edge) == 2:
            source, target = edge
            weight = 1.0
        else:
            source, target, weight = edge
            weight = _check_weight(weight)
        source = index.get(source)
        target = index.get(target)
        if source is None or target is None or source == target or weight == 0:
            continue
        key = (source, target)
        merged[key] = merged.get(key, 0.0) + weight
    return merged


def _integer_nodes(nodes):
    return all(type(node) is int for node in nodes)  # not bool, not numpy ints


def _prepare_edges(edges, nodes, index, integer_nodes=None):
    """Aggregated (sources, targets, weights) index arrays of the usable edges."""
    array = None
    if integer_nodes is None:
        integer_nodes = _integer_nodes(nodes)
    if integer_nodes and not isinstance(edges, dict):
        try:
            array = numpy.asarray(
                edges if isinstance(edges, (list, numpy.ndarray)) else list(edges), float
            )
        except (TypeError, ValueError):  # ragged rows or non-numeric ids
            array = None
        if array is not None and (array.ndim != 2 or array.shape[1] not in (2, 3)):
            array = None if array.size else numpy.zeros((0, 3))
    if array is None:
        if index is None:
            index = {node: position for position, node in enumerate(nodes)}
        merged = _merge_edges(edges, index)
        if not merged:
            empty = numpy.zeros(0, numpy.int64)
            return empty, empty, numpy.zeros(0)
        pairs = numpy.fromiter(
            (value for key in merged for value in key), numpy.int64, 2 * len(merged)
        ).reshape(-1, 2)
        weights = numpy.fromiter(merged.values(), float, len(merged))
        return pairs[:, 0], pairs[:, 1], weights
    if array.shape[1] == 3:
        weights = array[:, 2]
        if not numpy.isfinite(weights).all() or (weights < 0).any():
            bad = weights[~(numpy.isfinite(weights) & (weights >= 0))][0]
            raise ValueError(f"Edge weights must be finite numbers >= 0, got {bad!r}.")
    else:
        weights = numpy.ones(len(array))
    ids = numpy.array(nodes, numpy.int64)
    low, high = (int(ids.min()), int(ids.max())) if len(ids) else (0, -1)
    if 0 <= low and high < DENSE_LOOKUP_FACTOR * len(ids) + DENSE_LOOKUP_MIN:
        # ids are database ids: a lookup table by id is far cheaper than a binary search
        lookup = numpy.full(high + 2, -1, numpy.int64)
        lookup[ids] = numpy.arange(len(ids))

        def locate(column):  # node positions of an id column, and which ids are known nodes
            raw = array[:, column]
            usable = (raw == numpy.floor(raw)) & (raw >= 0) & (raw <= high)
            found = lookup[numpy.where(usable, raw, high + 1).astype(numpy.int64)]
            return found, found >= 0

    else:
        order = numpy.argsort(ids, kind="stable")
        sorted_ids = ids[order]

        def locate(column):  # node positions of an id column, and which ids are known nodes
            raw = array[:, column]
            whole = raw == numpy.floor(raw)
            values = numpy.where(whole, raw, -1).astype(numpy.int64)
            found = numpy.searchsorted(sorted_ids, values).clip(0, len(ids) - 1)
            return order[found], whole & (sorted_ids[found] == values)

    sources, known_sources = locate(0)
    targets, known_targets = locate(1)
    keep = known_sources & known_targets & (sources != targets) & (weights > 0)
    sources, targets, weights = sources[keep], targets[keep], weights[keep]
    if len(sources):  # merge duplicate edges (weights add)
        keys = sources * len(ids) + targets
        unique, inverse = numpy.unique(keys, return_inverse=True)
        weights = numpy.bincount(inverse, weights=weights, minlength=len(unique))
        sources, targets = unique // len(ids), unique % len(ids)
    return sources, targets, weights


def _iterate(count, sources, targets, weights, damping, tol, max_iter):
    out_weight = numpy.bincount(sources, weights=weights, minlength=count)
    dangling = out_weight == 0
    share = weights / out_weight[sources] * damping if len(sources) else weights
    ranks = numpy.full(count, 1.0 / count)
    for _ in range(max_iter):
        base = (1.0 - damping + damping * ranks[dangling].sum()) / count
        new = numpy.bincount(targets, weights=ranks[sources] * share, minlength=count) + base
        error = numpy.abs(new - ranks).sum()
        ranks = new
        if error < tol:
            break
    ranks /= ranks.sum()
    floor = (1.0 - damping + damping * ranks[dangling].sum()) / count
    return ranks, floor


class Network:
    """PageRank of every node plus the numbers that explain it (list-aligned with nodes).

    ``ranks``: PageRank (sums to 1); ``floor``: the PageRank of a node nobody links to;
    ``lift``: ``rank / floor - 1``, how much above such a node (exactly 0 without in-links);
    ``in_count``: distinct other nodes linking to it; ``in_weight``: their total weight.
    Columns are numpy arrays aligned with ``nodes``.
    """

    __slots__ = ("floor", "in_count", "in_weight", "lift", "nodes", "ranks")

    def __init__(self, nodes, ranks, floor, lift, in_count, in_weight):
        self.nodes = nodes
        self.ranks = ranks
        self.floor = floor
        self.lift = lift
        self.in_count = in_count
        self.in_weight = in_weight


def known_network(nodes, lift, in_count):
    """A :class:`Network` of already known lifts and in-link counts (aligned with
    ``nodes``; PageRank itself unknown, reported as 0): the network part of a provisional
    score between two runs, when the new contacts' links are not analysed yet."""
    nodes = list(nodes)
    count = len(nodes)
    if len(lift) != count or len(in_count) != count:
        raise ValueError("known_network needs one lift and one in-link count per node.")
    return Network(
        nodes,
        numpy.zeros(count),
        0.0,
        numpy.asarray(lift, float),
        numpy.asarray(in_count, numpy.int64),
        numpy.zeros(count),
    )


def analyse_network(edges, nodes, damping=0.85, tol=1e-10, max_iter=200):
    """Weighted PageRank over ``nodes`` with the numbers that explain it (a :class:`Network`).

    ``edges``: iterable (or array) of ``(source, target)`` or ``(source, target, weight)``,
    meaning "source mentions / replies to target" (rank flows from source to target).
    Duplicate edges add their weights, self-loops and zero weights are ignored, negative or
    non-finite weights raise ValueError; edges touching other nodes than ``nodes`` are
    ignored. Dangling nodes (no out-link) spread their rank evenly over all nodes, as does
    the teleport ``1 - damping``. Iterates until the L1 change is below ``tol`` or for
    ``max_iter`` rounds. Nodes without edges get equal ranks ``1 / n``.
    """
    nodes = list(nodes)
    integer_nodes = _integer_nodes(nodes)
    if integer_nodes:
        ids = numpy.array(nodes, numpy.int64)
        # database ids usually come sorted: then a pass finds duplicates
        unique = bool((ids[1:] > ids[:-1]).all()) or len(numpy.unique(ids)) == len(ids)
        index = None  # built only if the edges need merging one by one
    else:
        index = {node: position for position, node in enumerate(nodes)}
        unique = len(index) == len(nodes)
    if not unique:
        raise ValueError("PageRank nodes must be unique.")
    damping = float(damping)
    if not 0.0 <= damping < 1.0:
        raise ValueError(f"damping must be at least 0 and below 1, got {damping:g}.")
    if max_iter < 1:
        raise ValueError("max_iter must be at least 1.")
    count = len(nodes)
    if count == 0:
        for edge in edges:  # still validate weights
            if len(edge) == 3:
                _check_weight(edge[2])
        empty = numpy.zeros(0)
        return Network([], empty, 0.0, empty, numpy.zeros(0, numpy.int64), empty)
    sources, targets, weights = _prepare_edges(edges, nodes, index, integer_nodes)
    ranks, floor = _iterate(count, sources, targets, weights, damping, tol, max_iter)
    in_count = numpy.bincount(targets, minlength=count)
    in_weight = numpy.bincount(targets, weights=weights, minlength=count)
    lift = numpy.where(in_count > 0, numpy.maximum(ranks / floor - 1.0, 0.0), 0.0)
    return Network(nodes, ranks, floor, lift, in_count, in_weight)
