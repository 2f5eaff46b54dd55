"""Which algorithm and hyper-parameters to try next."""
from automl.engine.search._adaptive import VARIANT_TRIALS, AdaptiveProposer
from automl.engine.search._portfolio import portfolio_configs, relative_costs

__all__ = ["VARIANT_TRIALS", "AdaptiveProposer", "portfolio_configs", "relative_costs"]
