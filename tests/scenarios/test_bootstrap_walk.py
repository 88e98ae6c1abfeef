"""The stationary bootstrap's block walk as a kernel: the same indices as before.

``bootstrap_indices`` draws its random numbers with the generator as it always
did and walks the blocks in a numba kernel. Its indices, and the generator's
state after the call, must equal those of the numpy implementation it
replaced (kept in ``tests/scenarios/_reference.py``, verbatim in its logic), for any seed,
shape and block length: a seed gives the same Monte Carlo paths as before.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.scenarios.sampling import _block_walk_nb, bootstrap_indices
from tests.scenarios._reference import numpy_walk_indices


def test_a_tiny_walk_by_hand() -> None:
    # Six days of history, p_new = 0.05. Step 0 always starts a block (its
    # uniform 0.9 notwithstanding): day 5. Step 1 continues: 5 + 1 = 6 wraps
    # to 0. Step 2's uniform 0.01 < 0.05 starts a block at its start, 3.
    # Steps 3 and 4 continue: 4, 5. Step 5's uniform equals p_new, which is
    # not under it: no new block, it continues: 5 + 1 wraps to 0.
    uniform = np.array([[0.9, 0.9, 0.01, 0.9, 0.5, 0.05]])
    starts = np.array([[5, 2, 3, 1, 1, 2]], dtype=np.int64)
    got = _block_walk_nb(uniform, starts, 0.05, 6)
    assert got.dtype == np.int64
    assert got.tolist() == [[5, 0, 3, 4, 5, 0]]
    # Every step a new block (p_new above every uniform): the starts as drawn.
    assert _block_walk_nb(uniform, starts, 1.0, 6).tolist() == starts.tolist()


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**63),
    days=st.integers(1, 3000),
    paths=st.integers(0, 12),
    steps=st.integers(1, 700),
    mean_block=st.one_of(
        st.sampled_from([1.0, 1.5, 20.0, 252.0, 1e12]),
        st.floats(1.0, 500.0),
    ),
)
def test_indices_and_generator_state_equal_the_numpy_walks(
    seed: int, days: int, paths: int, steps: int, mean_block: float
) -> None:
    new_rng, old_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    got = bootstrap_indices(new_rng, days, paths, steps, mean_block)
    want = numpy_walk_indices(old_rng, days, paths, steps, mean_block)
    assert got.dtype == want.dtype and got.shape == (paths, steps)
    np.testing.assert_array_equal(got, want)
    assert new_rng.bit_generator.state == old_rng.bit_generator.state
    # And the next draw of each generator is the same number.
    assert new_rng.random() == old_rng.random()


def test_a_monte_carlo_sized_chunk_equals_the_numpy_walk() -> None:
    # The Monte Carlo's own shape: 250 paths x 2,610 days from 15 years.
    new_rng, old_rng = np.random.default_rng(11), np.random.default_rng(11)
    got = bootstrap_indices(new_rng, 3780, 250, 2610, 20.0)
    want = numpy_walk_indices(old_rng, 3780, 250, 2610, 20.0)
    np.testing.assert_array_equal(got, want)
    assert new_rng.bit_generator.state == old_rng.bit_generator.state
