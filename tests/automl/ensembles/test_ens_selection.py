"""Caruana ensemble selection on hand-built predictions whose right answer is known."""
import numpy as np
import pytest

from automl.ensembles import caruana_selection, default_initial_size, default_rounds
from automl.ensembles._selection import within_threshold

Y = np.array([0.0, 1.0, 2.0, 3.0])


def mse(y, p):
    return float(np.mean((y - p) ** 2))


def neg_mse(y, p):
    return -mse(y, p)


class CountingScore:
    """``mse`` that counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, y, p):
        self.calls += 1
        return mse(y, p)


def test_two_complementary_models_are_averaged_and_a_useless_one_never_chosen():
    low, high, useless = Y - 1.0, Y + 1.0, np.zeros_like(Y)
    counts = caruana_selection([useless, low, high], Y, mse, False, rounds=15)
    assert counts[0] == 0
    assert counts[1] == counts[2] >= 1
    weights = counts / counts.sum()
    assert weights.sum() == pytest.approx(1.0)
    assert mse(Y, np.average([useless, low, high], axis=0, weights=weights)) == pytest.approx(0.0)


def test_greater_is_better_gives_the_same_answer():
    low, high, useless = Y - 1.0, Y + 1.0, np.zeros_like(Y)
    assert caruana_selection([useless, low, high], Y, neg_mse, True, rounds=4).tolist() == [0, 1, 1]


def test_with_replacement_a_model_is_chosen_twice():
    # (2 * (y + 1) + (y - 2)) / 3 == y: the perfect ensemble needs model A twice.
    a, b = Y + 1.0, Y - 2.0
    counts = caruana_selection([a, b], Y, mse, False, rounds=3)
    assert counts.tolist() == [2, 1]


def test_the_best_ensemble_seen_is_kept_not_the_last():
    a, b = Y + 1.0, Y - 1.0
    # After [a, b] (perfect) every further round makes it worse; 15 rounds must not.
    counts = caruana_selection([a, b], Y, mse, False, rounds=15)
    assert counts[0] == counts[1]
    assert mse(Y, (a * counts[0] + b * counts[1]) / counts.sum()) == 0.0


def test_never_worse_than_the_best_single_model():
    rng = np.random.default_rng(0)
    models = [Y + rng.normal(0, s, size=4) for s in (0.1, 3.0, 3.0, 3.0, 3.0)]
    scores = [mse(Y, m) for m in models]
    counts = caruana_selection(models, Y, mse, False, rounds=10)
    ensemble = np.average(models, axis=0, weights=counts)
    assert mse(Y, ensemble) <= min(scores)


def test_single_round_returns_the_best_single_model():
    models = [Y + 2.0, Y + 0.5, Y - 1.0]
    assert caruana_selection(models, Y, mse, False, rounds=1).tolist() == [0, 1, 0]


def test_initial_set_only_takes_models_within_five_percent_of_the_best():
    a, b, c = Y + 1.0, Y + 1.02, Y + 1.2           # mse 1.0, 1.0404 (within 5%), 1.44 (not)
    singles = [mse(Y, m) for m in (a, b, c)]
    score = CountingScore()
    caruana_selection([a, b, c], Y, score, False, rounds=3, initial_size=3, single_scores=singles)
    # two initial prefixes ([a], [a, b]), then one round trying all three models
    assert score.calls == 2 + 1 * 3
    score = CountingScore()
    near = [Y + 1.0 + d for d in (0.0, 0.001, 0.002, 0.003, 0.004, 0.005)]
    caruana_selection(near, Y, score, False, rounds=10, single_scores=[mse(Y, m) for m in near])
    assert score.calls == 5 + (10 - 5) * 6      # initial set of min(5, 10 // 2) models


def test_ties_go_to_the_better_single_score():
    y = np.array([0.5, 0.5])
    a, b, c = np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.0, 1.0])
    # b and c predict alike: appending either ties; the better single score wins.
    assert caruana_selection([a, b, c], y, neg_mse, True, rounds=2,
                             single_scores=[0.9, 0.5, 0.6]).tolist() == [1, 0, 1]
    assert caruana_selection([a, b, c], y, neg_mse, True, rounds=2,
                             single_scores=[0.9, 0.6, 0.5]).tolist() == [1, 1, 0]


def test_class_probabilities_are_averaged():
    y = np.array([0, 1, 1, 0])

    def accuracy(t, p):
        return float(np.mean(np.argmax(p, axis=1) == t))

    right_on_first_half = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]])
    right_on_second_half = np.array([[0.4, 0.6], [0.6, 0.4], [0.2, 0.8], [0.9, 0.1]])
    counts = caruana_selection([right_on_first_half, right_on_second_half], y, accuracy, True, rounds=2)
    assert counts.tolist() == [1, 1]
    assert accuracy(y, (right_on_first_half + right_on_second_half) / 2) == 1.0


def test_nan_scores_are_worst():
    def broken_for_first(t, p):
        return float("nan") if p[0] == 100.0 else mse(t, p)

    models = [np.full(4, 100.0), Y + 0.5]
    assert caruana_selection(models, Y, broken_for_first, False, rounds=2).tolist() == [0, 1]


def test_defaults_and_threshold():
    assert [default_initial_size(r) for r in (1, 2, 3, 10, 15)] == [1, 1, 1, 5, 5]
    assert [default_rounds(n) for n in (1, 4, 15, 1000)] == [1, 4, 15, 15]
    assert within_threshold(np.array([-0.5, -0.52, -0.53]), -0.5, True).tolist() == [True, True, False]
    assert within_threshold(np.array([-1.0, -0.96, -0.94]), -1.0, False).tolist() == [True, True, False]


def test_bad_arguments():
    with pytest.raises(ValueError):
        caruana_selection([], Y, mse, False, rounds=3)
    with pytest.raises(ValueError):
        caruana_selection([Y], Y, mse, False, rounds=0)


def test_within_time_drops_the_most_seconds_per_selection_first_until_the_final_model_fits():
    from automl.ensembles import within_time

    seconds = np.array([5.0, 30.0, 8.0, 40.0])

    def within(limit):
        return lambda chosen: seconds[chosen].sum() <= limit

    # seconds per selection 1.7, 30, 8, 20: member 1 goes first; 3, the slowest, is selected twice and stays
    assert within_time(np.array([3, 1, 1, 2]), seconds, within(55.0)).tolist() == [3, 0, 1, 2]
    # then member 3 (20 s per selection) before member 2 (8 s)
    assert within_time(np.array([3, 1, 1, 2]), seconds, within(15.0)).tolist() == [3, 0, 1, 0]
    # what already fits is left as it is
    assert within_time(np.array([3, 0, 2, 0]), seconds, within(15.0)).tolist() == [3, 0, 2, 0]
    # one member always stays, even when nothing fits
    assert within_time(np.array([1, 2, 0, 0]), seconds, lambda chosen: False).tolist() == [1, 0, 0, 0]


def test_within_final_time_names_the_iterations_it_left_out():
    from automl.core import COMPLETED, TrialResult
    from automl.ensembles import FinalModelTime, within_final_time

    members = [TrialResult(i, f"t_{i}", "LightGBM", "", {}, COMPLETED, duration_seconds=d)
               for i, d in zip((4, 7, 9), (1.0, 50.0, 2.0))]
    counts = np.array([2, 1, 2])
    final_time = FinalModelTime(lambda chosen: sum(m.duration_seconds for m in chosen), 10.0)
    kept, left_out = within_final_time(counts, members, final_time)
    assert kept.tolist() == [2, 0, 2] and left_out == [7]
    assert within_final_time(counts, members, None)[1] == []


def test_a_size_cap_chooses_the_weights_among_the_models_that_fit():
    """Dropping a member too large for the cap from the ensemble chosen without one leaves a worse
    ensemble than choosing among the models that fit."""
    y = Y
    low, high, high_too = y - 1.0, y + 1.0, y + 1.2
    models, sizes = [low, high, high_too], [1.0, 100.0, 1.0]
    free = caruana_selection(models, y, mse, False, rounds=4)
    assert free.tolist() == [1, 1, 0]
    capped = caruana_selection(models, y, mse, False, rounds=4, sizes=sizes, max_size=50.0)
    assert capped[1] == 0 and capped[0] > 0 and capped[2] > 0
    dropped = np.where(np.asarray(sizes) > 50.0, 0, free)  # the member too large dropped, the others' weights kept
    assert dropped.tolist() == [1, 0, 0]

    def error(counts):
        return mse(y, sum(c * m for c, m in zip(counts, models)) / counts.sum())
    assert error(capped) < 0.05 < 0.9 < error(dropped)
