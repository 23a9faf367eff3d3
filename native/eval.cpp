// aerec eval: a saved model's test figures on a MovieLens split.
#include <cstdio>

#include "aerec/cpu_backend.h"
#include "aerec/model_file.h"
#include "commands.h"
#include "data_source.h"
#include "output.h"

namespace aerec::cli {

namespace {

struct eval_args {
  std::string model, data, split = "u1";
  bool json_output = false;
  int threads = 1;
};

ratings to_model_columns(const ratings& r, const dataset& data, const model& m, const char* part) {
  std::size_t dropped = 0;
  ratings out = reindex_items(r, data.items, m.items(), dropped);
  if (dropped > 0)
    std::fprintf(stderr, "aerec: note: %zu %s ratings are of movies the model does not know; left out\n",
                 dropped, part);
  return out;
}

void run(const eval_args& a) {
  const std::unique_ptr<backend> device = make_cpu_backend(a.threads);
  model m = load_model(*device, a.model);
  const dataset data = load_data(a.data, a.split);
  if (data.test.nnz() == 0)
    throw error(error_code::invalid_argument, "split '" + a.split + "' has no test part");
  const ratings input = to_model_columns(data.train, data, m, "training");
  const ratings target = to_model_columns(data.test, data, m, "test");
  const rating_metrics test = evaluate(m.network(), input, target, m.scale());
  const rating_metrics baseline = evaluate_global_mean(input, target, m.scale());
  if (a.json_output) {
    json out = {{"model", a.model}, {"data", data.name}, {"split", data.split}};
    add_metrics(out, "test_", test);
    out["baseline_global_mean_rmse"] = baseline.rmse;
    std::printf("%s\n", out.dump(2).c_str());
    return;
  }
  print_test_figures(test, baseline);
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<eval_args>();
  CLI::App* cmd = app.add_subcommand("eval", "Test figures of a saved model on a split");
  cmd->add_option("model", args->model, "Model file written by aerec train")->required();
  add_data_option(*cmd, args->data);
  cmd->add_option("--split", args->split, "u1..u5, ua, ub")->capture_default_str();
  cmd->add_option("--threads", args->threads, "CPU threads")->capture_default_str();
  cmd->add_flag("--json", args->json_output, "Print JSON");
  cmd->callback([args] { run(*args); });
}

}  // namespace aerec::cli
