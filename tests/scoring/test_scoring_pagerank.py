"""PageRank of the network part (``analyse_network``, the code the scoring run uses)."""

import random

import numpy
import pytest

from social_crm_scoring.scoring import analyse_network


def pagerank(edges, nodes=None, damping=0.85):
    """``{node: rank}`` (without ``nodes``: the edges' ends)."""
    if nodes is None:
        nodes = list(dict.fromkeys(end for edge in edges for end in edge[:2]))
    network = analyse_network(edges, nodes, damping)
    return dict(zip(network.nodes, network.ranks.tolist(), strict=True))


def dense_pagerank(edges, nodes, damping=0.85):
    """Independent reference: the PageRank equations solved exactly on a dense matrix
    (duplicate edges add up, self-loops, zero weights and unknown nodes are ignored,
    dangling nodes spread their rank evenly)."""
    index = {node: position for position, node in enumerate(nodes)}
    count = len(nodes)
    links = numpy.zeros((count, count))
    for edge in edges:
        source, target = index.get(edge[0]), index.get(edge[1])
        weight = edge[2] if len(edge) == 3 else 1.0
        if source is not None and target is not None and source != target:
            links[source, target] += weight
    out = links.sum(axis=1)
    moves = numpy.where(out[:, None] > 0, links / numpy.where(out > 0, out, 1)[:, None],
                        1.0 / count)
    system = numpy.eye(count) - damping * moves.T
    ranks = numpy.linalg.solve(system, numpy.full(count, (1 - damping) / count))
    return dict(zip(nodes, (ranks / ranks.sum()).tolist(), strict=True))


def test_empty_graph():
    assert pagerank([]) == {}
    assert pagerank([], nodes=[]) == {}


def test_nodes_without_edges_get_equal_ranks():
    ranks = pagerank([], nodes=[1, 2, 3, 4])
    assert ranks == pytest.approx({1: 0.25, 2: 0.25, 3: 0.25, 4: 0.25})


def test_ranks_sum_to_one():
    rnd = random.Random(7)
    edges = [(rnd.randrange(50), rnd.randrange(50), rnd.random()) for _ in range(300)]
    ranks = pagerank(edges, nodes=range(60))
    assert len(ranks) == 60
    assert sum(ranks.values()) == pytest.approx(1.0)
    assert all(rank > 0 for rank in ranks.values())


def test_symmetric_cycle_gives_equal_ranks():
    edges = [(1, 2), (2, 3), (3, 1), (2, 1), (3, 2), (1, 3)]
    ranks = pagerank(edges)
    assert ranks == pytest.approx({1: 1 / 3, 2: 1 / 3, 3: 1 / 3})


def test_star_centre_ranks_highest():
    edges = [(leaf, "centre") for leaf in "abcdef"]
    ranks = pagerank(edges)
    assert max(ranks, key=ranks.get) == "centre"
    leaves = {ranks[leaf] for leaf in "abcdef"}
    assert max(leaves) == pytest.approx(min(leaves))


def test_dangling_nodes_spread_their_rank():
    # 1 -> 2, and 2 has no out-link: its rank is spread over every node, nothing leaks.
    ranks = pagerank([(1, 2)], nodes=[1, 2])
    assert sum(ranks.values()) == pytest.approx(1.0)
    # exact solution: r1 = (1 - d + d * r2) / 2, r2 = r1 + d * r1 ... with d = 0.85
    d = 0.85
    r1 = 1 / (2 + d)  # r2 = (1 + d) * r1 and r1 + r2 = 1
    assert ranks[1] == pytest.approx(r1)
    assert ranks[2] == pytest.approx((1 + d) * r1)


def test_known_three_node_graph_matches_closed_form():
    # a -> b, a -> c, b -> c, c -> a (classic example), damping 0.85
    ranks = pagerank([("a", "b"), ("a", "c"), ("b", "c"), ("c", "a")])
    assert ranks["a"] == pytest.approx(0.387789, abs=1e-6)
    assert ranks["b"] == pytest.approx(0.214811, abs=1e-6)
    assert ranks["c"] == pytest.approx(0.397400, abs=1e-6)


def test_self_loops_are_ignored():
    with_loops = pagerank([(1, 2), (2, 2), (1, 1)], nodes=[1, 2])
    without = pagerank([(1, 2)], nodes=[1, 2])
    assert with_loops == pytest.approx(without)


def test_duplicate_edges_add_their_weights():
    duplicated = pagerank([(1, 2), (1, 2), (1, 3)])
    weighted = pagerank([(1, 2, 2.0), (1, 3, 1.0)])
    assert duplicated == pytest.approx(weighted)
    assert duplicated[2] > duplicated[3]


def test_edges_to_unknown_nodes_and_zero_weights_are_ignored():
    ranks = pagerank([(1, 2), (1, 99), (2, 1, 0)], nodes=[1, 2])
    assert ranks == pytest.approx(pagerank([(1, 2)], nodes=[1, 2]))


@pytest.mark.parametrize("weight", [-1, float("nan"), float("inf")])
def test_bad_weights_raise(weight):
    with pytest.raises(ValueError, match="Edge weights"):
        pagerank([(1, 2, weight)], nodes=[1, 2])


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="damping"):
        pagerank([(1, 2)], damping=1.5)
    with pytest.raises(ValueError, match="unique"):
        pagerank([], nodes=[1, 1])


def test_damping_zero_is_uniform():
    ranks = pagerank([(1, 2), (3, 2)], damping=0)
    assert ranks == pytest.approx({1: 1 / 3, 2: 1 / 3, 3: 1 / 3})


def test_random_graph_matches_the_exact_solution():
    rnd = random.Random(3)
    edges = [(rnd.randrange(200), rnd.randrange(200), rnd.choice([1, 2, 0.5])) for _ in range(2000)]
    edges += [(5, 5), (6, 7), (6, 7)]
    nodes = list(range(210))
    assert pagerank(edges, nodes=nodes) == pytest.approx(dense_pagerank(edges, nodes), abs=1e-9)


def test_ragged_and_non_integer_ids():
    edges = [("x", "y"), ("y", "z", 2.0)]
    expected = dense_pagerank(edges, ["x", "y", "z"])
    assert pagerank(edges) == pytest.approx(expected, abs=1e-9)


def test_network_lift_and_in_links():
    network = analyse_network(
        [(1, 3), (2, 3), (2, 3), (3, 3), (4, 5)], [1, 2, 3, 4, 5, 6]
    )
    assert network.in_count.tolist() == [0, 0, 2, 0, 1, 0]
    assert network.in_weight.tolist() == pytest.approx([0, 0, 3, 0, 1, 0])
    assert network.lift[0] == network.lift[1] == network.lift[3] == network.lift[5] == 0.0
    assert network.lift[2] > network.lift[4] > 0
    # contacts nobody links to sit exactly on the floor
    assert network.ranks[0] == pytest.approx(network.floor)
    assert network.ranks[2] == pytest.approx(network.floor * (1 + network.lift[2]))


def test_numpy_id_lookup_and_binary_search_agree():
    """Database ids are located through a lookup table by id, far-apart ids by a binary
    search: both give the exact PageRank of the usable edges, and odd ids (NaN, negative,
    fractional, huge) are ignored."""
    rnd = random.Random(11)
    for offset in (0, 10**12):  # lookup table / binary search
        nodes = [offset + 3 * index + 1 for index in range(400)]
        edges = [(rnd.choice(nodes), rnd.choice(nodes), rnd.random()) for _ in range(2000)]
        odd = [
            (float("nan"), nodes[0], 1.0),
            (-5, nodes[1], 1.0),
            (nodes[2] + 0.5, nodes[3], 1.0),
            (nodes[4], 10**15, 1.0),
            (nodes[5], nodes[6] + 1, 1.0),  # an id between two nodes
        ]
        expected = analyse_network(edges, nodes)  # a list of tuples: the same index
        found = analyse_network(numpy.array(edges + odd, float), nodes)
        exact = dense_pagerank(edges, nodes)
        assert found.ranks.tolist() == pytest.approx([exact[n] for n in nodes], rel=1e-7)
        assert found.in_count.tolist() == expected.in_count.tolist()
        assert found.in_weight.tolist() == pytest.approx(expected.in_weight.tolist())
