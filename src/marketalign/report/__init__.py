"""Results on disk (tables, summaries, figures) and the HTML report."""

from marketalign._lazy import attach

_PUBLIC = {
    "Report": "marketalign.report.html",
    "ResultFolder": "marketalign.report.folders",
    "build_report": "marketalign.report.html",
    "curve_outcome": "marketalign.report.curves",
    "find_result_folders": "marketalign.report.folders",
    "plot_curves": "marketalign.report.plots",
    "plot_improvements": "marketalign.report.figure_plots",
    "plot_mse_vs_k": "marketalign.report.plots",
    "plot_panel_curves": "marketalign.report.figure_plots",
    "plot_sparsity_panels": "marketalign.report.figure_plots",
    "plot_sparsity_vs_k": "marketalign.report.plots",
    "read_result_folder": "marketalign.report.folders",
    "save_figure": "marketalign.report.outputs",
    "write_json": "marketalign.report.outputs",
    "write_report": "marketalign.report.html",
    "write_table": "marketalign.report.outputs",
}
_SUBMODULES = ("curves", "defaults", "figure_plots", "folders", "html", "outputs", "plots")

__getattr__, __dir__ = attach(__name__, _PUBLIC, _SUBMODULES)

__all__ = [
    "Report",
    "ResultFolder",
    "build_report",
    "curve_outcome",
    "curves",
    "defaults",
    "figure_plots",
    "find_result_folders",
    "folders",
    "html",
    "outputs",
    "plot_curves",
    "plot_improvements",
    "plot_mse_vs_k",
    "plot_panel_curves",
    "plot_sparsity_panels",
    "plot_sparsity_vs_k",
    "plots",
    "read_result_folder",
    "save_figure",
    "write_json",
    "write_report",
    "write_table",
]
