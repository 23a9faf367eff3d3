#include "aerec/nn/penalty.h"

#include <cmath>

#include "aerec/core/error.h"
#include "core/names.h"

namespace aerec {

namespace {
struct activity_kind_info {
  activity_kind kind;
  const char* name;
};
const std::vector<activity_kind_info>& activity_kinds() {
  static const std::vector<activity_kind_info> all = {
      {activity_kind::none, "none"}, {activity_kind::l1, "l1"}, {activity_kind::kl, "kl"}};
  return all;
}
}  // namespace

const char* activity_kind_name(activity_kind k) {
  for (const auto& info : activity_kinds())
    if (info.kind == k) return info.name;
  return "?";
}

activity_kind parse_activity_kind(const std::string& name) {
  return find_by_name("activity penalty", name, activity_kinds(),
                      [](const activity_kind_info& i) { return i.name; })
      .kind;
}

void validate(const penalty_config& p, const std::vector<int>& hidden, activation hidden_act) {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw error(error_code::invalid_argument, what);
  };
  const activity_penalty& a = p.activity;
  require(std::isfinite(a.weight) && a.weight >= 0,
          "the activity penalty's weight must be a finite number >= 0");
  require(std::isfinite(p.contractive) && p.contractive >= 0,
          "the contractive penalty's weight must be a finite number >= 0");
  require(std::isfinite(p.local_kernel) && p.local_kernel >= 0,
          "the kernel penalty's weight must be a finite number >= 0");
  if (a.kind != activity_kind::none) {
    require(!hidden.empty(), "an activity penalty needs a hidden layer");
    require(a.layer >= -1 && a.layer < static_cast<int>(hidden.size()),
            "the activity penalty's layer must be a hidden layer (0 to " + std::to_string(hidden.size() - 1) +
                "), or -1 for the code layer");
  }
  if (a.kind == activity_kind::kl) {
    require(a.target > 0 && a.target < 1, "the KL activity penalty's target must be in (0, 1)");
    require(hidden_act == activation::sigmoid,
            "the KL activity penalty needs sigmoid hidden units (activations in (0, 1))");
  }
  if (p.contractive > 0) {
    require(!hidden.empty(), "the contractive penalty needs a hidden layer");
    require(hidden_act == activation::sigmoid || hidden_act == activation::tanh,
            "the contractive penalty needs sigmoid or tanh hidden units");
  }
}

}  // namespace aerec
