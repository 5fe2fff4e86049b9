"""The validation suite: data/validation's end-to-end points through moelab, predicted vs measured."""
from .report import error_table, parity_plot, worst_points
from .suite import KIND_VALIDATION, load_points, points, run_suite, sensitivity, sensitivity_table, write_table
from .translate import Translation, predicted_value, to_toml, translate

__all__ = ["KIND_VALIDATION", "Translation", "error_table", "load_points", "parity_plot", "points",
           "predicted_value", "run_suite", "sensitivity", "sensitivity_table", "to_toml", "translate", "worst_points", "write_table"]
