#include "aerec/plot/training_curves.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "aerec/core/error.h"

namespace aerec::plot {

namespace {

using json = nlohmann::ordered_json;

struct chart_kind {
  std::string title, y_label;
};

const chart_kind rating_error{"Rating error by epoch", "RMSE"};
const chart_kind ranking_loss{"Training loss by epoch", "multinomial NLL"};
const chart_kind ranking_quality{"Validation NDCG@100 by epoch", "NDCG@100"};

// The figures a run's history records (train/run.cpp's epoch entries), the
// chart each joins and its dash: training solid, validation dashed.
struct figure_kind {
  const char* key;
  const chart_kind* chart;
  dash pattern;
};

const figure_kind known_figures[] = {
    {"train_loss", &rating_error, dash::solid},
    {"train_seed_loss", &rating_error, dash::dotted},
    {"validation_rmse", &rating_error, dash::dashed},
    {"train_nll", &ranking_loss, dash::solid},
    {"validation_ndcg_at_100", &ranking_quality, dash::dashed},
};

// Not figures: the epoch is the x axis, and its seconds are no curve.
bool is_figure(const std::string& key, const json& value) {
  return key != "epoch" && key != "seconds" && value.is_number();
}

// Every figure key the runs record, known ones in the table's order, then others as first met.
std::vector<std::string> figure_keys(std::span<const training_history> runs) {
  std::vector<std::string> seen;
  for (const training_history& run : runs)
    for (const json& e : run.epochs)
      for (const auto& [key, value] : e.items())
        if (is_figure(key, value) && std::find(seen.begin(), seen.end(), key) == seen.end())
          seen.push_back(key);
  std::vector<std::string> keys;
  for (const figure_kind& f : known_figures)
    if (std::find(seen.begin(), seen.end(), f.key) != seen.end()) keys.push_back(f.key);
  for (const std::string& key : seen)
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  return keys;
}

const figure_kind* known(const std::string& key) {
  for (const figure_kind& f : known_figures)
    if (key == f.key) return &f;
  return nullptr;
}

// A figure the table does not know has a chart of its own.
chart_kind chart_of(const std::string& key) {
  const figure_kind* f = known(key);
  return f ? *f->chart : chart_kind{key + " by epoch", key};
}

dash pattern_of(const std::string& key) {
  const figure_kind* f = known(key);
  if (f) return f->pattern;
  return key.starts_with("validation") ? dash::dashed : dash::solid;
}

bool records(const training_history& run, const std::string& key) {
  return std::any_of(run.epochs.begin(), run.epochs.end(),
                     [&](const json& e) { return e.contains(key) && e[key].is_number(); });
}

line_series series_of(const training_history& run, const std::string& key) {
  line_series s;
  for (const json& e : run.epochs) {
    s.x.push_back(e["epoch"].get<double>());
    const auto value = e.find(key);
    s.y.push_back(value != e.end() && value->is_number() ? value->get<double>()
                                                         : std::numeric_limits<double>::quiet_NaN());
  }
  return s;
}

// Sets the chart's y range to its later epochs' values where its first epochs'
// (the first tenth) would take more than half the height on a side:
// those run off the chart and the rest stays legible, as TensorBoard ignores
// outliers. A first epoch's error is often several times the last.
void focus_on_later_epochs(line_data& chart) {
  const double inf = std::numeric_limits<double>::infinity();
  double all_lo = inf, all_hi = -inf, later_lo = inf, later_hi = -inf;
  for (const line_series& s : chart.series) {
    const std::size_t first = s.y.size() >= 4 ? std::max<std::size_t>(1, s.y.size() / 10) : 0;
    for (std::size_t i = 0; i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      all_lo = std::min(all_lo, s.y[i]), all_hi = std::max(all_hi, s.y[i]);
      if (i < first) continue;
      later_lo = std::min(later_lo, s.y[i]), later_hi = std::max(later_hi, s.y[i]);
    }
  }
  const double span = later_hi - later_lo;
  if (!(span > 0)) return;
  const double lo = later_lo - all_lo > span ? later_lo : all_lo;
  const double hi = all_hi - later_hi > span ? later_hi : all_hi;
  if (lo == all_lo && hi == all_hi) return;
  const double room = (hi - lo) * 0.06;
  chart.y_min = lo - room;
  chart.y_max = hi + room;
}

}  // namespace

training_history history_of(const json& metrics, std::string name, const std::string& source) {
  const auto fail = [&](const std::string& why) {
    throw error(error_code::parse_error, source + ": " + why);
  };
  if (!metrics.is_object() || !metrics.contains("history") || !metrics["history"].is_array())
    fail("no per-epoch \"history\" (aerec train --metrics-out writes one)");
  const json& epochs = metrics["history"];
  if (epochs.empty()) fail("the history has no epochs");
  for (std::size_t i = 0; i < epochs.size(); ++i)
    if (!epochs[i].is_object() || !epochs[i].contains("epoch") || !epochs[i]["epoch"].is_number())
      fail("history entry " + std::to_string(i) + " has no \"epoch\" number");
  return {std::move(name), epochs};
}

std::vector<line_data> training_curves(std::span<const training_history> runs) {
  const bool one_run = runs.size() == 1;
  std::vector<line_data> charts;
  std::vector<std::string> titles;  // of the charts' kinds, to find a figure's chart
  const std::vector<std::string> keys = figure_keys(runs);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const std::string& key = keys[k];
    const chart_kind kind = chart_of(key);
    const auto at = std::find(titles.begin(), titles.end(), kind.title);
    const std::size_t c = std::size_t(at - titles.begin());
    if (at == titles.end()) {
      titles.push_back(kind.title);
      charts.push_back({one_run ? runs[0].name + ": " + kind.title : kind.title, "epoch", kind.y_label, {}});
    }
    for (std::size_t r = 0; r < runs.size(); ++r) {
      if (!records(runs[r], key)) continue;
      line_series s = series_of(runs[r], key);
      s.label = one_run ? key : key + " (" + runs[r].name + ")";
      s.colour = static_cast<int>(one_run ? k : r);
      s.pattern = pattern_of(key);
      charts[c].series.push_back(std::move(s));
    }
  }
  for (line_data& chart : charts) focus_on_later_epochs(chart);
  return charts;
}

void write_training_curves(const std::string& path, std::span<const training_history> runs) {
  write_lines(path, training_curves(runs));
}

}  // namespace aerec::plot
