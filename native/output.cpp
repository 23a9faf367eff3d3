#include "output.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "aerec/file_io.h"

namespace aerec::cli {

json shortest(float value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  *result.ptr = '\0';
  return std::strtod(buffer, nullptr);
}

json to_json(const train_config& c) {
  const optimizer_config& o = c.optimizer;
  json optimizer = {{"name", optimizer_name(o.kind)},
                    {"lr", o.lr},
                    {"weight_decay", o.weight_decay}};
  switch (o.kind) {
    case optimizer_kind::sgd:
      optimizer["momentum"] = o.momentum;
      optimizer["dampening"] = o.dampening;
      optimizer["nesterov"] = o.nesterov;
      break;
    case optimizer_kind::rmsprop:
      optimizer["alpha"] = o.alpha;
      optimizer["eps"] = o.eps;
      optimizer["momentum"] = o.momentum;
      optimizer["centered"] = o.centered;
      break;
    case optimizer_kind::adam:
    case optimizer_kind::adamw:
      optimizer["betas"] = {o.beta1, o.beta2};
      optimizer["eps"] = o.eps;
      optimizer["amsgrad"] = o.amsgrad;
      break;
    case optimizer_kind::adagrad:
      optimizer["lr_decay"] = o.lr_decay;
      optimizer["eps"] = o.eps;
      optimizer["initial_accumulator"] = o.initial_accumulator;
      break;
    case optimizer_kind::adadelta:
      optimizer["rho"] = o.rho;
      optimizer["eps"] = o.eps;
      break;
  }
  return {{"layers", c.model.hidden},
          {"activation", activation_name(c.model.hidden_act)},
          {"output_activation", activation_name(c.model.output_act)},
          {"init", init_scheme_name(c.model.init)},
          {"optimizer", optimizer},
          {"epochs", c.epochs},
          {"batch", c.batch_size},
          {"shuffle", c.shuffle},
          {"accumulate_gradients", c.accumulate_gradients},
          {"loss_normalization", loss_normalization_name(c.loss)},
          {"seed", c.seed},
          {"threads", c.threads}};
}

json to_json(const epoch_report& r) {
  return {{"epoch", r.epoch},
          {"train_loss", r.train_rmse},
          {"train_seed_loss", r.train_seed_loss},
          {"seconds", r.seconds}};
}

void add_metrics(json& out, const std::string& prefix, const rating_metrics& m) {
  out[prefix + "rmse"] = m.rmse;
  out[prefix + "mae"] = m.mae;
  out[prefix + "seed_loss"] = m.seed_loss;
  out[prefix + "seed_loss_unclipped"] = m.seed_loss_unclipped;
  out[prefix + "ratings"] = m.ratings;
  out[prefix + "users"] = m.users;
}

void print_test_figures(const rating_metrics& test, const rating_metrics& baseline) {
  std::printf("test_rmse %.4f  test_mae %.4f  test_seed_loss %.4f (unclipped %.4f)\n", test.rmse,
              test.mae, test.seed_loss, test.seed_loss_unclipped);
  std::printf("global-mean baseline rmse %.4f  (%zu test ratings, %zu users)\n", baseline.rmse,
              test.ratings, test.users);
}

void write_json(const std::string& path, const json& value) {
  write_file_atomic(path, value.dump(2) + "\n");
}

}  // namespace aerec::cli
