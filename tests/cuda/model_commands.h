#pragma once
// Every command that computes with a saved model (eval, predict, recommend,
// reconstruct, place, map, export), each on small models that the CLI trains
// once on the CPU, and what of its output a device must reproduce: what the
// --device tests run (tests/cli/test_cli_device.cpp: the choice and its
// errors; test_cuda_cli.cpp: a GPU's output against the CPU's).
// AEREC_CLI_PATH names the aerec binary (cli/cli_runner.h).
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/train_runs.h"
#include "idx_files.h"

namespace aerec::testing {

// Where the fixtures live for the whole test program: data folders, models
// and a taste map's page file, each made on first use.
inline const temp_dir& fixture_dir() {
  static const temp_dir dir;
  return dir;
}

// 40 users x 30 movies (a map needs more than 20 points) in two tastes, rated
// 2 or 4 (train_runs.h), titled and with genres; the timestamps follow movie
// ids, so that the split `last` has an order.
inline const std::string& rating_data() {
  static const std::string path = [] {
    const auto dir = fixture_dir().path() / "ratings";
    std::filesystem::create_directories(dir);
    std::string items;
    for (int m = 1; m <= 30; ++m)
      items += std::to_string(m) + "|Movie " + std::to_string(m) + " (1995)|01-Jan-1995||http://x|0|" +
               (m % 2 ? "1|0" : "0|1") + "\n";
    const auto write = [&](const char* name, const std::string& bytes) {
      std::ofstream(dir / name, std::ios::binary) << bytes;
    };
    write("u.data", two_taste_ratings(40, 30, [](int u, int m) { return (u * 7 + m * 3) % 4 != 0; }));
    write("u.item", items);
    write("u.genre", "unknown|0\nAction|1\nDrama|2\n");
    return dir.string();
  }();
  return path;
}

// MNIST's four IDX files (plain): 28x28 images of a bright block placed by
// the image's label, 64 to train on and 24 to test.
inline const std::string& image_data() {
  static const std::string path = [] {
    const auto dir = fixture_dir().path() / "images";
    std::filesystem::create_directories(dir);
    for (const auto& [part, count] : {std::pair<std::string, int>{"train", 64}, {"t10k", 24}}) {
      std::string pixels(static_cast<std::size_t>(count) * 784, '\0'), labels;
      for (int i = 0; i < count; ++i) {
        const int label = (i * 7 + count) % 10;
        labels += static_cast<char>(label);
        for (int y = 2 + 2 * label; y < 10 + 2 * label; ++y)
          for (int x = 4 + i % 3; x < 18 + i % 3; ++x)
            pixels[static_cast<std::size_t>(i * 784 + y * 28 + x)] = '\xE6';
      }
      const auto n = static_cast<std::uint32_t>(count);
      std::ofstream(dir / (part + "-images-idx3-ubyte"), std::ios::binary)
          << idx_bytes(0x08, {n, 28, 28}, pixels);
      std::ofstream(dir / (part + "-labels-idx1-ubyte"), std::ios::binary) << idx_bytes(0x08, {n}, labels);
    }
    return dir.string();
  }();
  return path;
}

// `aerec train <args> --out` into the fixtures as `name`.aerec, once; its path.
inline std::string trained_model(const std::string& name, const std::string& args) {
  static std::map<std::string, std::string> made;
  if (const auto it = made.find(name); it != made.end()) return it->second;
  const std::string path = (fixture_dir().path() / (name + ".aerec")).string();
  const result r = run_aerec("train --threads 1 " + args + " --out " + path);
  INFO("training the fixture " << name << ": " << r.err);
  REQUIRE(r.code == 0);
  return made[name] = path;
}

// The models, one of each kind of network: dense layers, a variational code,
// local-kernel layers with a global kernel (item-based), convolutions with
// pooling, upsampling and a transposed convolution, and the two sequence
// networks (embedding, LSTM, repeat, step-dense; with teacher forcing, LSTM-feed).
inline std::string rating_model() {
  return trained_model("seed-fixed", "--data " + rating_data() +
                                         " --split random:0.2 --preset seed-fixed --epochs 4 --layers 8");
}
inline std::string ranking_model() {
  return trained_model("mult-vae", "--data " + rating_data() +
                                       " --split random:0.2 --preset mult-vae --epochs 3 --layers 16,8,16");
}
inline std::string glocal_model() {
  return trained_model("glocal-k", "--data " + rating_data() +
                                       " --split random:0.2 --preset glocal-k --layers 8,8 --kernel-dim 2 "
                                       "--weight-decay 1 --epochs 3 --pretrain-epochs 2");
}
inline std::string image_model() {
  return trained_model("conv-denoise", "--data " + image_data() +
                                           " --preset conv-denoise --conv c4,p2,c4,u2,c4,p2,t4 --epochs 1 "
                                           "--batch 16");
}
inline std::string sequence_model(bool teacher_forcing) {
  return trained_model(teacher_forcing ? "seq2seq" : "seq2seq-unfed",
                       "--data " + rating_data() +
                           " --preset seq2seq --seq-length 4 --seq-steps 2 --embedding 8 --lstm-hidden 16 "
                           "--epochs 2 --batch 16" +
                           (teacher_forcing ? "" : " --no-teacher-forcing"));
}

// The page file of `aerec map --web` for `model`'s movies, for aerec place.
inline std::string page_map(const std::string& model) {
  static std::map<std::string, std::string> made;
  if (const auto it = made.find(model); it != made.end()) return it->second;
  const auto stem = std::filesystem::path(model).stem().string();
  const auto page = fixture_dir().path() / (stem + "-page.json");
  const result r =
      run_aerec("map " + model + " --of movies --perplexity 5 --iterations 250 --out " +
                (fixture_dir().path() / (stem + "-map.json")).string() + " --web " + page.string());
  INFO("mapping the fixture " << stem << ": " << r.err);
  REQUIRE(r.code == 0);
  return made[model] = page.string();
}

// One command line with a model, and what of its output a device must reproduce.
struct model_command {
  enum class output { stdout_json, file_json, file_bytes };
  model_command(std::string what_, std::string args_, std::vector<std::filesystem::path> files_ = {},
                output compare_ = output::stdout_json, std::vector<std::string> unstable_ = {})
      : what(std::move(what_)),
        args(std::move(args_)),
        files(std::move(files_)),
        compare(compare_),
        unstable(std::move(unstable_)) {}

  std::string what;                          // the command and the model's kind, for messages
  std::string args;                          // without --device
  std::vector<std::filesystem::path> files;  // what it writes
  output compare;  // its output: stdout's JSON, its first file's JSON, or its files' bytes
  // Keys whose values another device may move beyond float rounding (t-SNE's
  // layout amplifies the codes' last bits), left out of the comparison.
  std::vector<std::string> unstable;
};

// The commands, writing into `out`; with every_kind, each on every kind of model it takes.
inline std::vector<model_command> model_commands(const std::filesystem::path& out, bool every_kind) {
  using output = model_command::output;
  const std::string data = " --data " + rating_data(), rating = rating_model();
  const auto file = [&](const std::string& name) { return out / name; };
  const std::vector<std::string> layout = {"x", "y", "kl_divergence", "trustworthiness_at_10",
                                           "placer_check"};
  std::vector<model_command> c = {
      {"eval, dense", "eval --json " + rating},
      {"predict, dense", "predict --json " + rating + " --ratings 1:4,4:4,7:2"},
      {"recommend, dense", "recommend --json " + rating + data + " --user 3 -k 5"},
      {"reconstruct, convolutional",
       "reconstruct --json " + image_model() + " --data " + image_data() + " --count 4 --noise 0.3 --png " +
           file("grid.png").string(),
       {file("grid.png")}},
      {"place, dense", "place --json " + rating + " --map " + page_map(rating) + " --ratings 2:4,4:4,6:4"},
      {"map, dense",
       "map " + rating + " --of movies --perplexity 5 --iterations 250 --with-codes --out " +
           file("map.json").string() + " --web " + file("page.json").string(),
       {file("map.json"), file("page.json")},
       output::file_json,
       layout},
      {"export --web, dense",
       "export " + rating + " --web " + file("web").string(),
       {file("web") / "model.aerec", file("web") / "movies.json"},
       output::file_bytes},
  };
  if (!every_kind) return c;
  const std::string ranking = ranking_model(), glocal = glocal_model(), image = image_model();
  const std::vector<model_command> more = {
      {"eval, variational", "eval --json " + ranking},
      {"eval, GLocal-K", "eval --json " + glocal},
      {"eval, convolutional", "eval --json " + image},
      {"eval, seq2seq", "eval --json " + sequence_model(true)},
      {"eval, seq2seq without teacher forcing", "eval --json " + sequence_model(false)},
      {"predict, variational", "predict --json " + ranking + " --ratings 1:4,4:4,7:2"},
      {"recommend, variational", "recommend --json " + ranking + data + " --user 3 -k 5"},
      {"recommend --next, seq2seq",
       "recommend --json --next " + sequence_model(true) + data + " --ratings 3:4,4:4,5:2 -k 5"},
      {"recommend --next, seq2seq without teacher forcing",
       "recommend --json --next " + sequence_model(false) + data + " --ratings 3:4,4:4,5:2 -k 5"},
      {"place, variational",
       "place --json " + ranking + " --map " + page_map(ranking) + " --ratings 2:4,4:4"},
      {"map, convolutional",
       "map " + image + " --of images --images 24 --data " + image_data() +
           " --perplexity 5 --iterations 250 --with-codes --out " + file("images.json").string(),
       {file("images.json")},
       output::file_json,
       layout},
      {"export --out, GLocal-K",
       "export " + glocal + " --weights f16 --out " + file("glocal.aerec").string(),
       {file("glocal.aerec")},
       output::file_bytes},
      {"export --web, variational beside dense",
       "export " + ranking + " " + rating + " --web " + file("pair").string(),
       {file("pair") / "model.aerec", file("pair") / "ranking.aerec", file("pair") / "movies.json"},
       output::file_bytes},
  };
  c.insert(c.end(), more.begin(), more.end());
  return c;
}

// Whether `c` says which device it computes on: export runs no model, so it does not.
inline bool names_its_device(const model_command& c) { return c.args.rfind("export", 0) != 0; }

// `json` without the keys in `drop` (at any depth) and without its run time.
inline nlohmann::json without(nlohmann::json json, const std::vector<std::string>& drop) {
  if (json.is_object()) {
    json.erase("seconds");
    for (const std::string& key : drop) json.erase(key);
  }
  if (json.is_structured())
    for (auto& value : json) value = without(std::move(value), drop);
  return json;
}

// `bytes`' size and FNV-1a hash: printable, where the bytes are not.
inline std::string fingerprint(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char b : bytes) h = (h ^ static_cast<unsigned char>(b)) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::to_string(bytes.size()) + " bytes, FNV-1a " + hex;
}

// What `c` output in `r` as JSON (for file_bytes, each file's fingerprint by
// name); with stable_only, without its unstable keys.
inline nlohmann::json output_of(const model_command& c, const result& r, bool stable_only) {
  const std::vector<std::string> drop = stable_only ? c.unstable : std::vector<std::string>{};
  switch (c.compare) {
    case model_command::output::stdout_json:
      return without(nlohmann::json::parse(r.out), drop);
    case model_command::output::file_json:
      return without(nlohmann::json::parse(read(c.files.front())), drop);
    case model_command::output::file_bytes: {
      nlohmann::json bytes = nlohmann::json::object();
      for (const auto& f : c.files) bytes[f.filename().string()] = fingerprint(read(f));
      return bytes;
    }
  }
  return {};
}

// The fingerprints of the files `c` writes beside its output, by name: all
// but a JSON output file (which holds its run time).
inline nlohmann::json files_beside_output(const model_command& c) {
  nlohmann::json bytes = nlohmann::json::object();
  for (std::size_t i = c.compare == model_command::output::file_json ? 1 : 0; i < c.files.size(); ++i)
    bytes[c.files[i].filename().string()] = fingerprint(read(c.files[i]));
  return bytes;
}

// Runs `c` with `device` flags; requires success.
inline result run_model_command(const model_command& c, const std::string& device) {
  const result r = run_aerec(c.args + device);
  INFO(c.what << device << ": " << r.err);
  REQUIRE(r.code == 0);
  return r;
}

}  // namespace aerec::testing
