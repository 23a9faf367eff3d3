#include "aerec/train/run.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <limits>

#include "aerec/backend/cpu_backend.h"
#include "aerec/core/thousands.h"
#include "aerec/data/implicit_feedback.h"
#include "aerec/io/checkpoint.h"
#include "aerec/io/file_io.h"
#include "aerec/plot/image_file.h"

namespace aerec {

namespace fs = std::filesystem;

const std::vector<option<run_spec>>& run_options() {
  using r = run_spec;
  const auto required = always<run_spec>;
  // Checkpoints saved before a row was added lack its key.
  const auto added_later = never<run_spec>;
  static const std::vector<option<run_spec>> all = [&] {
    std::vector<option<run_spec>> rows;
    for (const option<data_source>& o : data_source_options())
      rows.push_back(nested_option(o, &run_spec::data, required));
    std::string presets_help = "Starting configuration; flags override it (default seed). One of:";
    for (const preset_info& p : presets()) presets_help += "\n  " + p.name + ": " + p.description;
    const std::vector<option<run_spec>> own = {
        field_option<r>(
            "split", std::string(split_help) + "; default u1", required,
            [](auto& s) -> auto& { return s.split; }),
        field_option<r>(
            "val",
            "Carve this fraction of the training part out as a validation slice (held-out users "
            "for users:F); reported every epoch, and the best epoch is kept",
            required, [](auto& s) -> auto& { return s.val; }),
        field_option<r>(
            "preset", presets_help, required, [](auto& s) -> auto& { return s.preset; }),
        field_option<r>(
            "patience",
            "Stop after this many epochs without a better validation figure (needs --val, or the split last)",
            required, [](auto& s) -> auto& { return s.patience; }),
        field_option<r>(
            "out", "Write the trained model here", required, [](auto& s) -> auto& { return s.out; }),
        field_option<r>(
            "metrics-out", "Write figures and per-epoch history (JSON)", required,
            [](auto& s) -> auto& { return s.metrics_out; }),
        field_option<r>(
            "plot", "Write the training and validation curves here at the end (.svg or .png)", added_later,
            [](auto& s) -> auto& { return s.plot; }),
        field_option<r>(
            "checkpoint-every", "Save a checkpoint every N epochs", required,
            [](auto& s) -> auto& { return s.checkpoint_every; }),
        field_option<r>(
            "images", "Image data: train and test on the first N images of each part (0: all)", added_later,
            [](auto& s) -> auto& { return s.images; }),
    };
    rows.insert(rows.end(), own.begin(), own.end());
    return rows;
  }();
  return all;
}

void check_outputs(const run_spec& spec, const fs::path& checkpoint, const collective& together) {
  if (together.rank() > 0) return;  // rank 0 writes them
  if (!spec.plot.empty()) plot::format_of(spec.plot);
  for (const std::string& path : {spec.out, spec.metrics_out, spec.plot, checkpoint.string()})
    if (!path.empty()) check_writable(path);
}

validation_figure validation_figure_of(const train_config& config) {
  if (config.goal == objective::multinomial) return {"validation_ndcg_at_100", improves::up};
  return {"validation_rmse", improves::down};
}

namespace {

// The validation figure's value: the RMSE, or NDCG@100 for a ranking model.
double measure_validation(autoencoder& net, const dataset& d, const train_config& config) {
  if (config.goal != objective::multinomial)
    return evaluate(net, d.input_for(d.validation), d.validation.target, d.scale).rmse;
  ranking_options top;
  top.ks = {100};
  return evaluate_ranking(net, d.input_for(d.validation), d.validation.target, top).at[0].ndcg;
}

void check_spec(const run_spec& spec) {
  if (spec.checkpoint_every < 0)
    throw error(error_code::invalid_argument, "--checkpoint-every must be 0 or more");
}

// GLocal-K's global kernel holds the whole movies x users matrix densely: five float
// matrices of its own and an every-entry input (a column and a value) in global_kernel.cpp,
// the network's dense reconstruction and its input gradient beside them, 36 bytes an entry.
// A matrix over half the physical memory (the other half for the CSR, the model, L-BFGS's
// history and the copies made while building), or over the entries an int-indexed sparse
// view reaches, is refused as soon as the data's size is known, not after the pretraining.
void refuse_oversized_global_kernel(const dataset& d, const train_config& config) {
  if (config.global_kernel.size == 0) return;
  constexpr std::uint64_t bytes_per_entry = 36;
  const auto movies = static_cast<std::uint64_t>(d.items.size()),
             users = static_cast<std::uint64_t>(d.users.size());
  const std::uint64_t entries = movies * users, bytes = entries * bytes_per_entry;
  const auto memory = static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                      static_cast<std::uint64_t>(sysconf(_SC_PAGE_SIZE));
  const auto gb = [](std::uint64_t n) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(n) / 1e9);
    return std::string(text);
  };
  std::string why;
  if (bytes > memory / 2)
    why = "over the limit of " + gb(memory / 2) + " (half of this machine's " + gb(memory) + " of memory)";
  else if (entries > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
    why = "over the " + thousands(std::numeric_limits<int>::max()) + " entries a sparse view indexes";
  if (why.empty()) return;
  throw error(error_code::invalid_argument,
              "GLocal-K's global kernel needs the dense movies x users matrix: " + thousands(movies) + " x " +
                  thousands(users) + " entries x " + std::to_string(bytes_per_entry) +
                  " bytes = " + gb(bytes) + ", " + why + "; --global-kernel 0 trains without it");
}

nlohmann::ordered_json epoch_entry(const epoch_report& r) {
  // The multinomial objective reports its likelihood instead of rating errors.
  if (r.train_nll > 0) return {{"epoch", r.epoch}, {"train_nll", r.train_nll}, {"seconds", r.seconds}};
  return {{"epoch", r.epoch},
          {"train_loss", r.train_rmse},
          {"train_seed_loss", r.train_seed_loss},
          {"seconds", r.seconds}};
}

}  // namespace

training_run::training_run(run_spec spec, train_config config, nlohmann::ordered_json history,
                           collective& together)
    : spec_(std::move(spec)),
      config_(std::move(config)),
      history_(std::move(history)),
      together_(together),
      stopping_(spec_.patience, validation_figure_of(config_).direction) {}

training_run::training_run(run_spec spec, const train_config& config, fs::path checkpoint,
                           const backend_factory& device, collective& together)
    : training_run(std::move(spec), config, nlohmann::ordered_json::array(), together) {
  validate(config_);
  check_spec(spec_);
  std::error_code ec;
  // A path is stored absolute so that a resume from elsewhere finds the data.
  if (!spec_.data.data.empty() && fs::exists(spec_.data.data, ec))
    spec_.data.data = fs::absolute(spec_.data.data).string();
  checkpoint_ = std::move(checkpoint);
  check_outputs(spec_, checkpoint_, together_);
  prepare_data();
  device_ = device(config_);
  const model_config& mc = config_.model;
  auto net = std::make_unique<autoencoder>(
      *device_, stacked_layers(data_.items.size(), mc.hidden, mc.hidden_act, mc.output_act, mc.variational,
                               mc.local_kernel_dim));
  rng init_random(config_.seed);
  net->initialize(mc.init, init_random);
  // The configuration travels with checkpoints too, for aerec info.
  model_ = std::make_unique<model>(std::move(net), data_.items, data_.scale, meaning_of(config_),
                                   nlohmann::ordered_json{{"config", to_json(config_)}}.dump());
  trainer_ = std::make_unique<trainer>(model_->network(), config_, together_);
}

saved_run parse_run_description(std::string_view text, const std::string& source) {
  saved_run saved;
  // Every part inside: a description without "config" threw nlohmann's
  // out_of_range past resume (fuzz/regressions/checkpoint).
  try {
    const auto run = nlohmann::ordered_json::parse(text);
    options_from_json(run_options(), run, saved.spec, source + ": run description");
    saved.config = train_config_from_json(run.at("config"), source);
    saved.history = run.value("history", nlohmann::ordered_json::array());
  } catch (const nlohmann::json::exception& e) {
    throw error(error_code::model_format, source + ": run description: " + e.what());
  } catch (const error& e) {
    throw error(error_code::model_format, e.what());
  }
  return saved;
}

training_run training_run::resume(const fs::path& from, fs::path checkpoint, const backend_factory& device,
                                  const std::function<void(run_spec&)>& redirect, collective& together) {
  checkpoint_state state;
  // The configuration decides the thread count, so a first backend only reads the file.
  const auto reader = make_cpu_backend(1);
  model saved = load_checkpoint(*reader, from, state);
  saved_run run = parse_run_description(state.run, from.string());
  if (redirect) redirect(run.spec);
  check_spec(run.spec);
  training_run r(std::move(run.spec), run.config, std::move(run.history), together);
  r.checkpoint_ = std::move(checkpoint);
  check_outputs(r.spec_, r.checkpoint_, r.together_);
  r.prepare_data();
  r.device_ = device(r.config_);
  model restored = deserialize_model(*r.device_, serialize_model(saved), from.string());
  const auto ids = restored.items().ids(), now = r.data_.items.ids();
  if (!std::equal(ids.begin(), ids.end(), now.begin(), now.end()))
    throw error(error_code::invalid_argument, from.string() + ": the data no longer has the " +
                                                  (r.config_.item_based ? "users" : "movies") +
                                                  " the checkpoint was trained on");
  r.model_ = std::make_unique<model>(std::move(restored));
  r.trainer_ = std::make_unique<trainer>(r.model_->network(), r.config_, r.together_);
  r.trainer_->load_state(state.trainer, from.string());
  r.stopping_.load_state(state.stopping, from.string());
  return r;
}

void training_run::prepare_data() {
  const split_spec split = parse_split(spec_.split);
  if (config_.item_based && split.kind == split_kind::users)
    throw error(error_code::invalid_argument,
                "--item-based cannot use --split " + spec_.split +
                    ": its held-out users are new users, and an item-based model has a column "
                    "only for each user it was trained on");
  if (config_.item_based && split.kind == split_kind::last)
    throw error(error_code::invalid_argument,
                "--item-based cannot use --split last: its test inputs add each user's "
                "validation rating to the training part, which an item-based model's rows "
                "(movies) cannot take without retraining");
  data_ = load_data(spec_.data, {split, spec_.val, config_.seed});
  refuse_oversized_global_kernel(data_, config_);
  if (spec_.patience > 0 && data_.validation.target.nnz() == 0)
    throw error(error_code::invalid_argument, "--patience needs a validation slice: add --val 0.05");
  // Counted by real users and movies, before an item-based run transposes them.
  test_left_out_ = {data_.test.unknown_user, data_.test.unknown_item};
  validation_left_out_ = {data_.validation.unknown_user, data_.validation.unknown_item};
  if (config_.item_based) data_ = transposed(data_);
  // Liang et al.'s protocol: a rating of 4 or more is an interaction, and a lower one none.
  if (config_.goal == objective::multinomial) {
    // The next-item figures take every held-out movie, whatever its rating.
    if (!data_.train_order.empty()) rated_ = data_;
    data_ = implicit_feedback(data_, ranking_options{}.relevance_threshold);
  }
}

nlohmann::ordered_json training_run::description() const {
  nlohmann::ordered_json run = options_to_json(run_options(), spec_);
  run["config"] = to_json(config_);
  run["history"] = history_;
  return run;
}

void training_run::save_checkpoint() {
  if (together_.rank() > 0) return;  // every process holds the same state: rank 0 writes it
  aerec::save_checkpoint(checkpoint_, *model_,
                         {trainer_->save_state(), stopping_.save_state(), description().dump()});
}

bool training_run::run_epochs(const std::function<bool()>& stop,
                              const std::function<void(const epoch_event&)>& on_epoch) {
  const bool validating = data_.validation.target.nnz() > 0;
  const int every = checkpoint_.empty() ? 0 : spec_.checkpoint_every;
  // A run saved at the epoch that stopped it early is finished too.
  while (trainer_->epochs_done() < config_.epochs && !stopping_.stopped()) {
    const auto report = trainer_->run_epoch(data_.train, stop);
    if (!report) {
      if (!checkpoint_.empty()) save_checkpoint();
      return false;
    }
    epoch_event event{*report, std::nullopt, false};
    nlohmann::ordered_json entry = epoch_entry(*report);
    if (validating) {
      autoencoder& net = model_->network();
      event.validation = measure_validation(net, data_, config_);
      entry[validation_figure_of(config_).key] = *event.validation;
      // A global kernel joins after pretraining: the epochs before it are no
      // candidates (their network has fewer parameters), as in GLocal-K.
      const train_config::global_kernel_config& g = config_.global_kernel;
      if (g.size == 0 || report->epoch > g.pretrain_epochs)
        event.early_stop = stopping_.record(report->epoch, *event.validation, net);
    }
    history_.push_back(entry);
    if (on_epoch) on_epoch(event);
    if (every > 0 && report->epoch % every == 0) save_checkpoint();
    if (event.early_stop) return true;
  }
  return true;
}

training_run::result training_run::finish() {
  const dataset& d = data_;
  autoencoder& net = model_->network();
  result r;
  nlohmann::ordered_json& metrics = r.metrics;
  metrics = {{"preset", spec_.preset}, {"data", d.name}, {"data_path", spec_.data.data}, {"split", d.split}};
  // The rows an epoch trains on (users, or movies for an item-based model), which its steps divide.
  int train_rows = 0;
  for (std::int32_t row = 0; row < d.train.rows(); ++row) train_rows += d.train.row_size(row) > 0 ? 1 : 0;
  metrics["train_rows"] = train_rows;
  if (d.validation.target.nnz() > 0) {
    stopping_.restore_best(net);
    metrics["best_epoch"] = stopping_.best_epoch();
    r.best_validation = stopping_.best_figure();
    metrics[validation_figure_of(config_).key] = *r.best_validation;
  }
  if (d.test.target.nnz() > 0) {
    metrics["test_left_out_unknown_user"] = test_left_out_.unknown_user;
    metrics["test_left_out_unknown_item"] = test_left_out_.unknown_item;
    r.figures =
        measure_test_figures(net, model_->meaning(), d.train, d.input_for(d.test), d.test.target, d.scale);
    if (!d.train_order.empty()) {
      metrics["test_left_out_short_users"] = d.short_users;
      // One held-out movie a user: the next-item figures are the top-N ones
      // with every held-out movie relevant and pessimistic ties (and the same
      // keys at k = 10), so they take their place.
      r.figures.ranking.reset();
      r.figures.popularity.reset();
      r.figures.next_item = measure_next_item_figures(net, rated_ ? *rated_ : d, d.input_for(d.test));
    }
    add_figures(metrics, r.figures);
  }
  finish_metrics(metrics, history_, trainer_->epochs_done(), *model_, *device_, config_);
  return r;
}

void finish_metrics(nlohmann::ordered_json& metrics, const nlohmann::ordered_json& history, int epochs,
                    model& trained, const backend& device, const train_config& config) {
  double seconds = 0;
  for (const auto& e : history) seconds += e["seconds"].get<double>();
  metrics["train_seconds"] = seconds;
  metrics["epochs"] = epochs;
  metrics["parameters"] = trained.network().parameter_count();
  metrics["device"] = device.name();
  metrics["config"] = to_json(config);
  metrics["history"] = history;
  // A saved model carries the figures and configuration, without the history.
  nlohmann::ordered_json meta = metrics;
  meta.erase("history");
  trained.set_metadata(meta.dump());
}

}  // namespace aerec
