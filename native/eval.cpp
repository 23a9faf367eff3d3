// aerec eval: a saved model's test figures on a split (by default the one it was trained on).
#include <algorithm>
#include <cstdio>
#include <optional>

#include "aerec/data/implicit_feedback.h"
#include "aerec/eval/ranking_metrics.h"
#include "aerec/io/model_file.h"
#include "aerec/train/image_run.h"
#include "aerec/train/options.h"
#include "aerec/train/sequence_run.h"
#include "commands.h"
#include "data_source.h"
#include "figures.h"
#include "output.h"
#include "run_cli.h"

namespace aerec::cli {

namespace {

struct eval_args {
  std::string model, split, device = "cpu";
  data_source data;
  bool json_output = false;
  int threads = 1;
  std::optional<std::uint64_t> seed;
};

// What the model was trained on, from its metadata: the defaults of --data,
// --split and --seed, so that `aerec eval MODEL` scores the model's own test part.
void default_from_metadata(eval_args& a, const json& meta) {
  if (!meta.is_object()) return;
  default_data_from_metadata(a.data, meta);
  if (a.split.empty() && meta.contains("split") && meta["split"].is_string()) a.split = meta["split"];
  if (!a.seed && meta.contains("config") && meta["config"].contains("seed") &&
      meta["config"]["seed"].is_number_unsigned())
    a.seed = meta["config"]["seed"].get<std::uint64_t>();
}

// `r` with its columns moved to the model's (movies, or users for an item-based model).
ratings to_model_columns(const ratings& r, const dataset& data, const model& m, const char* part,
                         const char* columns) {
  std::size_t dropped = 0;
  ratings out = reindex_items(r, data.items, m.items(), dropped);
  if (dropped > 0)
    std::fprintf(stderr, "aerec: note: %zu %s ratings are of %s the model does not know; left out\n", dropped,
                 part, columns);
  return out;
}

// The parts eval reads, in the model's columns, each replaced in turn. A model scored on the data
// it was trained on has the data's columns: nothing is copied (at ML-25M's size, copies of the
// training ratings were most of eval's memory).
void to_model_columns(dataset& data, const model& m, const char* columns) {
  if (std::ranges::equal(data.items.ids(), m.items().ids())) return;
  data.train = to_model_columns(data.train, data, m, "training", columns);
  if (data.test.input.rows() > 0)
    data.test.input = to_model_columns(data.test.input, data, m, "input", columns);
  data.test.target = to_model_columns(data.test.target, data, m, "test", columns);
  data.items = m.items();
}

// A sequence model's next-item figures on the split last, beside its baselines.
void eval_sequences(const eval_args& a, model& m, json out) {
  if (!a.split.empty() && parse_split(a.split).kind != split_kind::last)
    throw error(error_code::invalid_argument, a.model +
                                                  " is a sequence model, scored on the split 'last' (each "
                                                  "user's latest movie): --split " +
                                                  a.split + " does not apply");
  const dataset data = load_data(a.data, {parse_split("last"), 0, 1});
  report_short_users(data.short_users);
  const auto unknown =
      std::ranges::count_if(data.items.ids(), [&](std::int32_t id) { return !m.items().find(id); });
  if (unknown > 0)
    std::fprintf(stderr, "aerec: note: %td of the %d movies are not the model's: they rank last\n", unknown,
                 data.items.size());
  out["data"] = data.name;
  out["split"] = data.split;
  const next_item_test_figures figures = measure_next_item_figures(data, sequence_scorer(m, data, data.test));
  add_next_item_figures(out, figures);
  if (a.json_output)
    std::printf("%s\n", out.dump(2).c_str());
  else
    print_next_item_figures(figures);
}

// An image model's reconstruction figures on a set's test images, with the
// noise it was trained with (its stored configuration, in `meta`).
void eval_images(const eval_args& a, model& m, const json& meta, json out) {
  if (!a.split.empty())
    throw error(error_code::invalid_argument,
                a.model + " is an image model, scored on its image set's test part: --split does not apply");
  if (!meta.is_object() || !meta.contains("config"))
    throw error(error_code::invalid_argument, a.model + " holds no training configuration to score it with");
  const train_config config = train_config_from_json(meta["config"], a.model);
  const std::string source = !a.data.data.empty() ? a.data.data
                             : meta.contains("data") && meta["data"].is_string()
                                 ? meta["data"].get<std::string>()
                                 : "fashion-mnist";
  const image_data data = load_images_for(m, a.model, source);
  const image_figures figures = image_trainer(m.network(), config).evaluate(data.test);
  out["data"] = data.name;
  out["test_images"] = data.test.count;
  add_image_figures(out, figures);
  if (a.json_output)
    std::printf("%s\n", out.dump(2).c_str());
  else
    print_image_figures(figures);
}

void run(eval_args a) {
  const std::unique_ptr<backend> device = make_device(a.device, a.threads, false);
  model m = load_model(*device, a.model);
  const json meta = json::parse(m.metadata(), nullptr, false);
  default_from_metadata(a, meta);
  json out = {{"model", a.model}};
  if (m.sequences()) return eval_sequences(a, m, out);
  if (m.images()) return eval_images(a, m, meta, out);
  if (a.split.empty()) a.split = "u1";
  dataset data = load_data(a.data, {parse_split(a.split), 0, a.seed.value_or(1)});
  if (data.test.target.nnz() == 0)
    throw error(error_code::invalid_argument, "split '" + a.split + "' has no test part");
  report_left_out({data.test.unknown_user, data.test.unknown_item}, "test");
  report_short_users(data.short_users);
  out["data"] = data.name;
  out["split"] = data.split;
  out["test_left_out_unknown_user"] = data.test.unknown_user;
  out["test_left_out_unknown_item"] = data.test.unknown_item;
  // An item-based model's rows are movies and its columns users.
  const bool item_based = m.meaning().rows == row_kind::items;
  if (item_based) data = transposed(data);
  // A ranking model takes and is scored on implicit feedback, as in training.
  const bool ranking = m.meaning().output == output_kind::ranking;
  if (ranking) data = implicit_feedback(data, ranking_options{}.relevance_threshold);
  const char* columns = item_based ? "users" : "movies";
  to_model_columns(data, m, columns);
  const test_figures figures = measure_test_figures(m.network(), m.meaning(), data.train,
                                                    data.input_for(data.test), data.test.target, m.scale());
  add_figures(out, figures);
  if (!a.json_output) print_figures(figures, m.meaning());
  if (a.json_output) std::printf("%s\n", out.dump(2).c_str());
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<eval_args>();
  CLI::App* cmd = app.add_subcommand("eval", "Test figures of a saved model on a split");
  cmd->add_option("model", args->model, "Model file written by aerec train")->required();
  add_data_options(*cmd, args->data);
  cmd->add_option("--split", args->split, std::string(split_help) + "; default: the model's own, else u1");
  cmd->add_option("--seed", args->seed,
                  "Seed of a random split; default: the one the model was trained with");
  cmd->add_option("--threads", args->threads, "CPU threads")->capture_default_str();
  add_device_option(*cmd, args->device);
  cmd->add_flag("--json", args->json_output, "Print JSON");
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
