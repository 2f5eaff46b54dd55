"""Which algorithm and hyper-parameters to try next."""
from automl.engine.search._adaptive import AdaptiveProposer
from automl.engine.search._portfolio import portfolio_configs, relative_costs

__all__ = ["AdaptiveProposer", "portfolio_configs", "relative_costs"]
