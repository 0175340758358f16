"""Django admin for factor sets, activity data, the GHG inventory and baselines."""

from accounting.admin import activity, baselines, factors, inventory

__all__ = ["activity", "baselines", "factors", "inventory"]
