"""Small real datasets shipped with the package, for the demo and examples."""
from automl.datasets._bank_marketing import BANK_MARKETING, DATA_DIR, load_bank_marketing

__all__ = ["BANK_MARKETING", "DATA_DIR", "load_bank_marketing"]
