import random

import pytest

from social_crm_scoring.scoring import HAS_NUMPY, analyse_network, pagerank

BACKENDS = [False, pytest.param(True, marks=pytest.mark.skipif(not HAS_NUMPY, reason="numpy"))]


@pytest.fixture(params=BACKENDS, ids=lambda value: "numpy" if value else "python")
def use_numpy(request):
    return request.param


def test_empty_graph(use_numpy):
    assert pagerank([], use_numpy=use_numpy) == {}
    assert pagerank([], nodes=[], use_numpy=use_numpy) == {}


def test_nodes_without_edges_get_equal_ranks(use_numpy):
    ranks = pagerank([], nodes=[1, 2, 3, 4], use_numpy=use_numpy)
    assert ranks == pytest.approx({1: 0.25, 2: 0.25, 3: 0.25, 4: 0.25})


def test_ranks_sum_to_one(use_numpy):
    rnd = random.Random(7)
    edges = [(rnd.randrange(50), rnd.randrange(50), rnd.random()) for _ in range(300)]
    ranks = pagerank(edges, nodes=range(60), use_numpy=use_numpy)
    assert len(ranks) == 60
    assert sum(ranks.values()) == pytest.approx(1.0)
    assert all(rank > 0 for rank in ranks.values())


def test_symmetric_cycle_gives_equal_ranks(use_numpy):
    edges = [(1, 2), (2, 3), (3, 1), (2, 1), (3, 2), (1, 3)]
    ranks = pagerank(edges, use_numpy=use_numpy)
    assert ranks == pytest.approx({1: 1 / 3, 2: 1 / 3, 3: 1 / 3})


def test_star_centre_ranks_highest(use_numpy):
    edges = [(leaf, "centre") for leaf in "abcdef"]
    ranks = pagerank(edges, use_numpy=use_numpy)
    assert max(ranks, key=ranks.get) == "centre"
    leaves = {ranks[leaf] for leaf in "abcdef"}
    assert max(leaves) == pytest.approx(min(leaves))


def test_dangling_nodes_spread_their_rank(use_numpy):
    # 1 -> 2, and 2 has no out-link: its rank is spread over every node, nothing leaks.
    ranks = pagerank([(1, 2)], nodes=[1, 2], use_numpy=use_numpy)
    assert sum(ranks.values()) == pytest.approx(1.0)
    # exact solution: r1 = (1 - d + d * r2) / 2, r2 = r1 + d * r1 ... with d = 0.85
    d = 0.85
    r1 = 1 / (2 + d)  # r2 = (1 + d) * r1 and r1 + r2 = 1
    assert ranks[1] == pytest.approx(r1)
    assert ranks[2] == pytest.approx((1 + d) * r1)


def test_known_three_node_graph_matches_closed_form(use_numpy):
    # a -> b, a -> c, b -> c, c -> a (classic example), damping 0.85
    ranks = pagerank([("a", "b"), ("a", "c"), ("b", "c"), ("c", "a")], use_numpy=use_numpy)
    assert ranks["a"] == pytest.approx(0.387789, abs=1e-6)
    assert ranks["b"] == pytest.approx(0.214811, abs=1e-6)
    assert ranks["c"] == pytest.approx(0.397400, abs=1e-6)


def test_self_loops_are_ignored(use_numpy):
    with_loops = pagerank([(1, 2), (2, 2), (1, 1)], nodes=[1, 2], use_numpy=use_numpy)
    without = pagerank([(1, 2)], nodes=[1, 2], use_numpy=use_numpy)
    assert with_loops == pytest.approx(without)


def test_duplicate_edges_add_their_weights(use_numpy):
    duplicated = pagerank([(1, 2), (1, 2), (1, 3)], use_numpy=use_numpy)
    weighted = pagerank([(1, 2, 2.0), (1, 3, 1.0)], use_numpy=use_numpy)
    assert duplicated == pytest.approx(weighted)
    assert duplicated[2] > duplicated[3]


def test_edges_to_unknown_nodes_and_zero_weights_are_ignored(use_numpy):
    ranks = pagerank([(1, 2), (1, 99), (2, 1, 0)], nodes=[1, 2], use_numpy=use_numpy)
    assert ranks == pytest.approx(pagerank([(1, 2)], nodes=[1, 2], use_numpy=use_numpy))


@pytest.mark.parametrize("weight", [-1, float("nan"), float("inf")])
def test_bad_weights_raise(use_numpy, weight):
    with pytest.raises(ValueError, match="Edge weights"):
        pagerank([(1, 2, weight)], nodes=[1, 2], use_numpy=use_numpy)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="damping"):
        pagerank([(1, 2)], damping=1.5)
    with pytest.raises(ValueError, match="unique"):
        pagerank([], nodes=[1, 1])


def test_damping_zero_is_uniform(use_numpy):
    ranks = pagerank([(1, 2), (3, 2)], damping=0, use_numpy=use_numpy)
    assert ranks == pytest.approx({1: 1 / 3, 2: 1 / 3, 3: 1 / 3})


@pytest.mark.skipif(not HAS_NUMPY, reason="numpy")
def test_numpy_and_python_agree_on_a_random_graph():
    rnd = random.Random(3)
    edges = [(rnd.randrange(200), rnd.randrange(200), rnd.choice([1, 2, 0.5])) for _ in range(2000)]
    edges += [(5, 5), (6, 7), (6, 7)]
    fast = pagerank(edges, nodes=range(210), use_numpy=True)
    slow = pagerank(edges, nodes=range(210), use_numpy=False)
    assert fast == pytest.approx(slow, abs=1e-9)


@pytest.mark.skipif(not HAS_NUMPY, reason="numpy")
def test_numpy_handles_ragged_and_non_integer_ids():
    edges = [("x", "y"), ("y", "z", 2.0)]
    assert pagerank(edges, use_numpy=True) == pytest.approx(pagerank(edges, use_numpy=False))


def test_network_lift_and_in_links(use_numpy):
    network = analyse_network(
        [(1, 3), (2, 3), (2, 3), (3, 3), (4, 5)], [1, 2, 3, 4, 5, 6], use_numpy=use_numpy
    )
    assert network.in_count == [0, 0, 2, 0, 1, 0]
    assert network.in_weight == pytest.approx([0, 0, 3, 0, 1, 0])
    assert network.lift[0] == network.lift[1] == network.lift[3] == network.lift[5] == 0.0
    assert network.lift[2] > network.lift[4] > 0
    # contacts nobody links to sit exactly on the floor
    assert network.ranks[0] == pytest.approx(network.floor)
    assert network.ranks[2] == pytest.approx(network.floor * (1 + network.lift[2]))


@pytest.mark.skipif(not HAS_NUMPY, reason="numpy")
def test_numpy_id_lookup_and_binary_search_agree():
    """Database ids are located through a lookup table by id, far-apart ids by a binary
    search: both give the Python results, and odd ids (NaN, negative, fractional, huge)
    are ignored."""
    import numpy

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
        expected = analyse_network(edges, nodes, use_numpy=False)
        found = analyse_network(numpy.array(edges + odd, float), nodes, use_numpy=True)
        assert found.ranks == pytest.approx(expected.ranks, rel=1e-9)
        assert found.in_count == expected.in_count
        assert found.in_weight == pytest.approx(expected.in_weight)
