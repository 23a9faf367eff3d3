#include "config_json.h"

#include <string>
#include <vector>

#include "aerec/core/error.h"

namespace aerec::cli {

json to_json(const train_config& c) {
  const optimizer_config& o = c.optimizer;
  // The L-BFGS keys are always there, so that aerec tune can vary them.
  const lbfgs_config l = c.lbfgs.value_or(training_lbfgs());
  return {{"layers", c.model.hidden},
          {"variational", c.model.variational},
          {"kernel-dim", c.model.local_kernel_dim},
          {"activation", activation_name(c.model.hidden_act)},
          {"output-activation", activation_name(c.model.output_act)},
          {"init", init_scheme_name(c.model.init)},
          {"optimizer", optimizer_choice(c)},
          {"lr", o.lr},
          {"weight-decay", o.weight_decay},
          {"momentum", o.momentum},
          {"dampening", o.dampening},
          {"nesterov", o.nesterov},
          {"alpha", o.alpha},
          {"centered", o.centered},
          {"eps", o.eps},
          {"beta1", o.beta1},
          {"beta2", o.beta2},
          {"amsgrad", o.amsgrad},
          {"lr-decay", o.lr_decay},
          {"initial-accumulator", o.initial_accumulator},
          {"rho", o.rho},
          {"lbfgs-iters", l.max_iter},
          {"lbfgs-history", l.history_size},
          {"lbfgs-line-search", line_search_name(l.strong_wolfe)},
          {"lbfgs-restart", c.lbfgs_restart},
          {"epochs", c.epochs},
          {"batch", c.batch_size},
          {"shuffle", c.shuffle},
          {"dropout", c.dropout},
          {"input-dropout", c.input_dropout},
          {"input-noise", c.input_noise},
          {"activity-penalty", activity_kind_name(c.penalties.activity.kind)},
          {"activity-weight", c.penalties.activity.weight},
          {"activity-target", c.penalties.activity.target},
          {"activity-layer", c.penalties.activity.layer},
          {"contractive", c.penalties.contractive},
          {"kernel-penalty", c.penalties.local_kernel},
          {"global-kernel", c.global_kernel.size},
          {"global-kernel-scale", c.global_kernel.dot_scale},
          {"pretrain-epochs", c.global_kernel.pretrain_epochs},
          {"refeed", c.refeed},
          {"item-based", c.item_based},
          {"accumulate-gradients", c.accumulate_gradients},
          {"loss-normalization", loss_normalization_name(c.squared_error_normalization)},
          {"objective", objective_name(c.goal)},
          {"kl-cap", c.kl_cap},
          {"kl-anneal-steps", c.kl_anneal_steps},
          {"seed", c.seed},
          {"threads", c.threads}};
}

train_config train_config_from_json(const json& j, const std::string& source) {
  train_config c;
  optimizer_config& o = c.optimizer;
  try {
    c.model.hidden = j.at("layers").get<std::vector<int>>();
    c.model.hidden_act = parse_activation(j.at("activation").get<std::string>());
    c.model.output_act = parse_activation(j.at("output-activation").get<std::string>());
    c.model.init = parse_init_scheme(j.at("init").get<std::string>());
    choose_optimizer(c, j.at("optimizer").get<std::string>());
    j.at("lr").get_to(o.lr);
    j.at("weight-decay").get_to(o.weight_decay);
    j.at("momentum").get_to(o.momentum);
    j.at("dampening").get_to(o.dampening);
    j.at("nesterov").get_to(o.nesterov);
    j.at("alpha").get_to(o.alpha);
    j.at("centered").get_to(o.centered);
    j.at("eps").get_to(o.eps);
    j.at("beta1").get_to(o.beta1);
    j.at("beta2").get_to(o.beta2);
    j.at("amsgrad").get_to(o.amsgrad);
    j.at("lr-decay").get_to(o.lr_decay);
    j.at("initial-accumulator").get_to(o.initial_accumulator);
    j.at("rho").get_to(o.rho);
    if (c.lbfgs) {
      j.at("lbfgs-iters").get_to(c.lbfgs->max_iter);
      j.at("lbfgs-history").get_to(c.lbfgs->history_size);
      c.lbfgs->strong_wolfe = parse_line_search(j.at("lbfgs-line-search").get<std::string>());
    }
    c.lbfgs_restart = j.value("lbfgs-restart", false);
    j.at("epochs").get_to(c.epochs);
    j.at("batch").get_to(c.batch_size);
    j.at("shuffle").get_to(c.shuffle);
    c.dropout = j.value("dropout", 0.0f);  // absent from files written before dropout
    c.input_dropout = j.value("input-dropout", 0.0f);
    c.input_noise = j.value("input-noise", 0.0f);
    // Absent from files written before the penalties, re-feeding, item-based
    // training and the multinomial objective.
    activity_penalty& a = c.penalties.activity;
    a.kind = parse_activity_kind(j.value("activity-penalty", std::string("none")));
    a.weight = j.value("activity-weight", a.weight);
    a.target = j.value("activity-target", a.target);
    a.layer = j.value("activity-layer", a.layer);
    c.penalties.contractive = j.value("contractive", 0.0f);
    // Absent from files written before kernel layers.
    c.model.local_kernel_dim = j.value("kernel-dim", 0);
    c.penalties.local_kernel = j.value("kernel-penalty", 0.0f);
    c.global_kernel.size = j.value("global-kernel", 0);
    c.global_kernel.dot_scale = j.value("global-kernel-scale", c.global_kernel.dot_scale);
    c.global_kernel.pretrain_epochs = j.value("pretrain-epochs", c.global_kernel.pretrain_epochs);
    c.refeed = j.value("refeed", false);
    c.item_based = j.value("item-based", false);
    c.model.variational = j.value("variational", false);
    c.goal = parse_objective(j.value("objective", std::string("squared-error")));
    c.kl_cap = j.value("kl-cap", c.kl_cap);
    c.kl_anneal_steps = j.value("kl-anneal-steps", c.kl_anneal_steps);
    j.at("accumulate-gradients").get_to(c.accumulate_gradients);
    c.squared_error_normalization = parse_loss_normalization(j.at("loss-normalization").get<std::string>());
    j.at("seed").get_to(c.seed);
    j.at("threads").get_to(c.threads);
  } catch (const json::exception& e) {
    throw error(error_code::invalid_argument, source + ": training configuration: " + e.what());
  }
  validate(c);
  return c;
}

}  // namespace aerec::cli
