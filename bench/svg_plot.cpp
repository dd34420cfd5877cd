#include "bench/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace npeps {
namespace {

constexpr double kWidth = 720, kHeight = 440;
constexpr double kLeft = 70, kRight = 170, kTop = 40, kBottom = 60;  // margins, px
const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

// A round tick step giving about five ticks over [0, x_max].
double tick_step(double x_max) {
  const double raw = x_max / 5.0;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10.0 * mag;
}

std::string tick_label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string success_plot_svg(const std::vector<PlotCurve>& curves, double x_max,
                             const std::string& title) {
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  auto px = [&](double t) { return kLeft + pw * std::clamp(t / x_max, 0.0, 1.0); };
  auto py = [&](double f) { return kTop + ph * (1.0 - std::clamp(f, 0.0, 1.0)); };
  std::string s;
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) + "\" height=\"" +
       num(kHeight) + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
       "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + num(kLeft + pw / 2) + "\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">" +
       escape(title) + "</text>\n";
  // Grid and ticks.
  for (int i = 0; i <= 4; ++i) {
    const double f = i / 4.0;
    s += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(py(f)) + "\" x2=\"" + num(kLeft + pw) +
         "\" y2=\"" + num(py(f)) + "\" stroke=\"#ddd\"/>\n";
    s += "<text x=\"" + num(kLeft - 8) + "\" y=\"" + num(py(f) + 4) + "\" text-anchor=\"end\">" +
         tick_label(f * 100) + "%</text>\n";
  }
  const double step = tick_step(x_max);
  for (int i = 0; i * step <= x_max * (1 + 1e-9); ++i) {
    const double t = i * step;
    s += "<line x1=\"" + num(px(t)) + "\" y1=\"" + num(kTop) + "\" x2=\"" + num(px(t)) +
         "\" y2=\"" + num(kTop + ph) + "\" stroke=\"#eee\"/>\n";
    s += "<text x=\"" + num(px(t)) + "\" y=\"" + num(kTop + ph + 18) +
         "\" text-anchor=\"middle\">" + tick_label(t) + "</text>\n";
  }
  s += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(pw) +
       "\" height=\"" + num(ph) + "\" fill=\"none\" stroke=\"black\"/>\n";
  s += "<text x=\"" + num(kLeft + pw / 2) + "\" y=\"" + num(kHeight - 18) +
       "\" text-anchor=\"middle\">time per task (s)</text>\n";
  s += "<text transform=\"translate(18," + num(kTop + ph / 2) +
       ") rotate(-90)\" text-anchor=\"middle\">tasks solved</text>\n";
  // Step curves and legend.
  for (std::size_t c = 0; c < curves.size(); ++c) {
    const char* colour = kColours[c % (sizeof kColours / sizeof kColours[0])];
    std::string pts = num(px(0)) + "," + num(py(0));
    double f = 0;
    for (const CurvePoint& p : curves[c].points) {
      if (p.t > x_max) break;
      pts += ' ';
      pts += num(px(p.t)) + "," + num(py(f));
      f = p.fraction;
      pts += ' ';
      pts += num(px(p.t)) + "," + num(py(f));
    }
    pts += ' ';
    pts += num(px(x_max)) + "," + num(py(f));
    s += "<polyline fill=\"none\" stroke=\"" + std::string(colour) +
         "\" stroke-width=\"2\" points=\"" + pts + "\"/>\n";
    const double ly = kTop + 10 + 20.0 * static_cast<double>(c);
    s += "<line x1=\"" + num(kLeft + pw + 12) + "\" y1=\"" + num(ly) + "\" x2=\"" +
         num(kLeft + pw + 36) + "\" y2=\"" + num(ly) + "\" stroke=\"" + colour +
         "\" stroke-width=\"2\"/>\n";
    s += "<text x=\"" + num(kLeft + pw + 42) + "\" y=\"" + num(ly + 4) + "\">" +
         escape(curves[c].label) + "</text>\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace npeps
