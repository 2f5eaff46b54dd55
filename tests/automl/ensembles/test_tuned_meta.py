"""Cross-fitting the stack's score reuses the hyper-parameters its CV meta learner chose."""
import numpy as np
from sklearn.linear_model import ElasticNet, LogisticRegression

from automl.ensembles._meta import fit_meta, make_meta_learner, tuned_plain


def test_logistic_cv_gives_a_plain_learner_with_its_chosen_c():
    rng = np.random.default_rng(0)
    Z = rng.random((200, 4))
    y = (Z[:, 0] + 0.3 * rng.random(200) > 0.6).astype(int)
    fitted = fit_meta(make_meta_learner("LogisticRegressionCV"), Z, y, None)
    plain = tuned_plain(fitted)
    assert isinstance(plain, LogisticRegression)
    assert plain.C == float(np.ravel(fitted.C_)[0])
    refit = plain.fit(Z, y)
    np.testing.assert_allclose(refit.predict_proba(Z), fitted.predict_proba(Z), atol=0.01)  # same C; solver tolerance differs


def test_elastic_net_cv_gives_its_alpha_and_other_learners_none():
    rng = np.random.default_rng(1)
    Z = rng.random((150, 3))
    y = Z @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.random(150)
    fitted = fit_meta(make_meta_learner("ElasticNetCV"), Z, y, None)
    plain = tuned_plain(fitted)
    assert isinstance(plain, ElasticNet) and plain.alpha == fitted.alpha_
    assert tuned_plain(fit_meta(make_meta_learner("LinearRegression"), Z, y, None)) is None
