"""Which algorithm and hyper-parameters to try next."""
from automl.search._portfolio import portfolio_configs, relative_costs
from automl.search._proposer import AdaptiveProposer

__all__ = ["AdaptiveProposer", "portfolio_configs", "relative_costs"]
