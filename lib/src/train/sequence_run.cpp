#include "aerec/train/sequence_run.h"

#include <algorithm>
#include <cmath>

#include "aerec/core/error.h"
#include "aerec/data/split.h"
#include "aerec/train/options.h"

namespace aerec {

namespace {

constexpr const char* sequence_split = "last";

void check_sequence_spec(const run_spec& spec, const train_config& config) {
  const auto refuse = [](bool bad, const std::string& why) {
    if (bad) throw error(error_code::invalid_argument, why);
  };
  refuse(!trains_on_sequences(config), "a sequence run trains a sequence preset (seq2seq) or --seq-length N");
  refuse(spec.split != run_spec{}.split && spec.split != sequence_split,
         "a sequence model trains on the split 'last' (each user's latest movie is the test target): "
         "--split " +
             spec.split + " does not apply");
  refuse(spec.val != 0,
         "the split 'last' holds out each user's second-to-last movie for validation: --val does not apply");
  refuse(spec.checkpoint_every != 0,
         "sequence runs do not checkpoint yet: --checkpoint-every does not apply");
  refuse(spec.images != 0, "--images is for image data");
  refuse(spec.patience < 0, "--patience must be 0 (none) or more");
}

// The rating of `col` in `row` of `r` (the row holds it).
float rating_at(const ratings& r, std::int32_t row, std::int32_t col) {
  const std::span<const std::int32_t> cols = r.row_cols(row);
  const auto at = std::lower_bound(cols.begin(), cols.end(), col);
  AEREC_ASSERT(at != cols.end() && *at == col);
  return r.row_values(row)[static_cast<std::size_t>(at - cols.begin())];
}

}  // namespace

user_histories training_histories(const dataset& d) {
  user_histories h;
  h.columns = d.train_order;
  h.ratings.resize(h.columns.size());
  for (std::size_t u = 0; u < h.columns.size(); ++u)
    for (const std::int32_t col : h.columns[u])
      h.ratings[u].push_back(rating_at(d.train, static_cast<std::int32_t>(u), col));
  return h;
}

next_item_scorer sequence_scorer(model& m, const dataset& d, const holdout& part) {
  const ratings& input = d.input_for(part);
  // The data's columns as the model's (-1: a movie it does not know), where they differ.
  std::vector<std::int32_t> to_model;
  if (!std::ranges::equal(m.items().ids(), d.items.ids()))
    for (const std::int32_t id : d.items.ids()) to_model.push_back(m.items().find(id).value_or(-1));
  return
      [&m, &input, to_model](std::span<const std::int32_t> users,
                             std::span<const std::vector<std::int32_t>> histories, std::span<float> scores) {
        const auto model_col = [&](std::int32_t col) {
          return to_model.empty() ? col : to_model[std::size_t(col)];
        };
        std::vector<std::vector<std::int32_t>> columns(histories.size());
        std::vector<std::vector<float>> values(histories.size());
        for (std::size_t u = 0; u < histories.size(); ++u)
          for (const std::int32_t col : histories[u])
            if (model_col(col) >= 0) {
              columns[u].push_back(model_col(col));
              values[u].push_back(rating_at(input, users[u], col));
            }
        const std::vector<float> s = m.next_scores(columns, values);
        const std::size_t known = static_cast<std::size_t>(m.items().size());
        const std::size_t cols = scores.size() / std::max<std::size_t>(histories.size(), 1);
        AEREC_ASSERT(s.size() == histories.size() * known && scores.size() == histories.size() * cols);
        // A movie the model does not know scores NaN, below every other.
        for (std::size_t u = 0; u < histories.size(); ++u)
          for (std::size_t c = 0; c < cols; ++c) {
            const std::int32_t mc = model_col(static_cast<std::int32_t>(c));
            scores[u * cols + c] = mc >= 0 ? s[u * known + static_cast<std::size_t>(mc)] : std::nanf("");
          }
      };
}

sequence_run::sequence_run(run_spec spec, const train_config& config, const backend_factory& device,
                           collective& together)
    : spec_(std::move(spec)), config_(config), stopping_(spec_.patience, improves::up) {
  validate(config_);
  check_sequence_spec(spec_, config_);
  spec_.split = sequence_split;
  check_outputs(spec_, {}, together);
  data_ = load_data(spec_.data, {parse_split(spec_.split), 0, config_.seed});
  train_ = training_histories(data_);
  windows_ = windows_of(train_).size();
  if (windows_ == 0)
    throw error(error_code::invalid_argument,
                data_.name +
                    ": no user has two training movies on the split 'last': a sequence model learns "
                    "from the order of each user's movies");
  device_ = device(config_);
  const int items = data_.items.size();
  auto net = std::make_unique<autoencoder>(*device_, seq2seq_layers(items, config_.model.sequence));
  rng init_random(config_.seed);
  net->initialize(config_.model.init, init_random);
  model_ = std::make_unique<model>(std::move(net), data_.items, data_.scale, sequence_meaning());
  trainer_ = std::make_unique<sequence_trainer>(model_->network(), config_, together);
}

void sequence_run::run_epochs(const std::function<void(const sequence_epoch_event&)>& on_epoch) {
  while (trainer_->epochs_done() < config_.epochs) {
    sequence_epoch_event event{trainer_->run_epoch(train_), 0, false};
    event.validation_ndcg =
        score_next_item(data_, data_.validation, {}, sequence_scorer(*model_, data_, data_.validation)).ndcg;
    event.early_stop = stopping_.record(event.report.epoch, event.validation_ndcg, model_->network());
    history_.push_back({{"epoch", event.report.epoch},
                        {"train_cross_entropy", event.report.train_loss},
                        {"validation_ndcg_at_10", event.validation_ndcg},
                        {"seconds", event.report.seconds}});
    if (on_epoch) on_epoch(event);
    if (event.early_stop) return;
  }
}

sequence_run::result sequence_run::finish() {
  result r;
  nlohmann::ordered_json& metrics = r.metrics;
  metrics = {{"preset", spec_.preset},
             {"data", data_.name},
             {"data_path", spec_.data.data},
             {"split", data_.split},
             {"users", static_cast<std::size_t>(data_.users.size()) - data_.short_users},
             {"movies", data_.items.size()},
             {"users_left_out_fewer_than_3_ratings", data_.short_users},
             {"train_windows", windows_}};
  if (stopping_.best_epoch() > 0) {
    stopping_.restore_best(model_->network());
    metrics["best_epoch"] = stopping_.best_epoch();
    metrics["validation_ndcg_at_10"] = stopping_.best_figure();
  }
  r.test = measure_next_item_figures(data_, sequence_scorer(*model_, data_, data_.test));
  add_next_item_figures(metrics, r.test);
  finish_metrics(metrics, history_, trainer_->epochs_done(), *model_, *device_, config_);
  return r;
}

}  // namespace aerec
