#include "aerec/train/optimizer_config.h"

#include "aerec/core/error.h"
#include "core/names.h"

namespace aerec {

const std::vector<optimizer_kind>& all_optimizers() {
  static const std::vector<optimizer_kind> all = {optimizer_kind::sgd,     optimizer_kind::rmsprop,
                                                  optimizer_kind::adam,    optimizer_kind::adamw,
                                                  optimizer_kind::adagrad, optimizer_kind::adadelta};
  return all;
}

const char* optimizer_name(optimizer_kind kind) {
  switch (kind) {
    case optimizer_kind::sgd:
      return "sgd";
    case optimizer_kind::rmsprop:
      return "rmsprop";
    case optimizer_kind::adam:
      return "adam";
    case optimizer_kind::adamw:
      return "adamw";
    case optimizer_kind::adagrad:
      return "adagrad";
    case optimizer_kind::adadelta:
      return "adadelta";
  }
  return "sgd";
}

optimizer_kind parse_optimizer(const std::string& name) {
  return find_by_name("optimizer", name, all_optimizers(), optimizer_name);
}

optimizer_config default_optimizer_config(optimizer_kind kind) {
  optimizer_config c;
  c.kind = kind;
  switch (kind) {
    case optimizer_kind::sgd:
      c.lr = 0.01;
      break;
    case optimizer_kind::rmsprop:
      c.lr = 0.01;
      break;
    case optimizer_kind::adam:
      c.lr = 1e-3;
      break;
    case optimizer_kind::adamw:
      c.lr = 1e-3;
      c.weight_decay = 1e-2;
      break;
    case optimizer_kind::adagrad:
      c.lr = 1e-2;
      c.eps = 1e-10;
      break;
    case optimizer_kind::adadelta:
      c.lr = 1.0;
      c.eps = 1e-6;
      break;
  }
  return c;
}

int optimizer_state_count(const optimizer_config& c) {
  switch (c.kind) {
    case optimizer_kind::sgd:
      return c.momentum != 0 ? 1 : 0;
    case optimizer_kind::rmsprop:
      return 1 + (c.momentum > 0 ? 1 : 0) + (c.centered ? 1 : 0);
    case optimizer_kind::adam:
    case optimizer_kind::adamw:
      return c.amsgrad ? 3 : 2;
    case optimizer_kind::adagrad:
      return 1;
    case optimizer_kind::adadelta:
      return 2;
  }
  return 0;
}

namespace {
void require(bool ok, const std::string& what) {
  if (!ok) throw error(error_code::invalid_argument, "invalid optimizer setting: " + what);
}
}  // namespace

void validate(const optimizer_config& c) {
  require(c.lr >= 0, "learning rate must be >= 0");
  require(c.weight_decay >= 0, "weight decay must be >= 0");
  require(c.momentum >= 0, "momentum must be >= 0");
  require(c.eps >= 0, "eps must be >= 0");
  require(c.alpha >= 0, "alpha must be >= 0");
  require(c.beta1 >= 0 && c.beta1 < 1, "beta1 must be in [0, 1)");
  require(c.beta2 >= 0 && c.beta2 < 1, "beta2 must be in [0, 1)");
  require(c.rho >= 0 && c.rho <= 1, "rho must be in [0, 1]");
  require(c.lr_decay >= 0, "lr decay must be >= 0");
  require(c.initial_accumulator >= 0, "initial accumulator must be >= 0");
  require(!c.nesterov || (c.momentum > 0 && c.dampening == 0),
          "Nesterov momentum requires a momentum and zero dampening");
}

}  // namespace aerec
