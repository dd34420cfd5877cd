// The success-versus-time plot, written as SVG text directly (no plotting
// dependency): one step curve per method, fraction of tasks solved by
// time t for t in (0, x_max].
#pragma once

#include <string>
#include <vector>

#include "bench/stats.h"

namespace npeps {

struct PlotCurve {
  std::string label;               // legend text
  std::vector<CurvePoint> points;  // from success_curve()
};

// A self-contained SVG document. x_max > 0 (seconds); points past x_max are clipped.
std::string success_plot_svg(const std::vector<PlotCurve>& curves, double x_max,
                             const std::string& title);

}  // namespace npeps
