#include "aerec/train/trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include "aerec/backend/ops/loss_ops.h"
#include "aerec/core/error.h"
#include "io/binary_io.h"

namespace aerec {

trainer::trainer(autoencoder& model, const train_config& config, collective& together)
    : model_(model),
      config_((validate(config), config)),
      together_(together),
      optimizer_(model.device(), config.optimizer, model.parameters()),
      loss_(model.device(), config.squared_error_normalization),
      multinomial_(model.device()),
      random_(config.seed ^ 0x5EED5EEDull),
      dropout_(config.dropout) {
  if (trains_on_images(config_))
    throw error(error_code::invalid_argument,
                "this configuration trains on images (a convolutional network or cross-entropy): "
                "train it with the image trainer");
  if (together_.size() > 1 && config_.penalties.activity.kind == activity_kind::kl)
    throw error(error_code::invalid_argument,
                "the KL activity penalty depends on the whole batch's mean activation, which data-parallel "
                "processes do not share: train it in one process");
  if (config_.lazy_updates) {
    if (together_.size() > 1)
      throw error(error_code::invalid_argument,
                  "lazy updates run in one process: each process's batch share reaches other rows");
    model_.set_lazy_gradients(true);
  }
  model_.set_penalties(config_.penalties);
  if (config_.lbfgs) lbfgs_.emplace(model_.device(), *config_.lbfgs, model_.parameters());
}

namespace {
// `batch` itself when the share is all of it, a copy of the share's rows otherwise.
const sparse_batch& share_rows(const sparse_batch& batch, const batch_share& share, sparse_batch& copy) {
  if (share.rows() == batch.rows()) return batch;
  copy = slice_rows(batch, share.begin, share.end);
  return copy;
}
}  // namespace

void trainer::train_batch(const sparse_batch& batch, epoch_sums& sums) {
  backend& b = model_.device();
  // Every process draws the whole batch's noise, dropout and code samples, in
  // one process's order, and keeps its share's.
  const batch_share share = together_.share_of(batch.rows());
  share_penalties(share);
  sparse_batch copy;
  const sparse_batch& own = share_rows(batch, share, copy);
  target_.assign(b, own);
  sparse_view input = target_.view();
  const sparse_batch* fed = &own;  // the input, on the host
  sparse_batch noisy, noisy_copy;
  if (config_.input_dropout > 0 || config_.input_noise > 0) {
    noisy = corrupted(batch);
    fed = &share_rows(noisy, share, noisy_copy);
    input_.assign(b, *fed);
    input = input_.view();
  }
  if (model_.variational()) sample_code(share);
  const loss_value loss = forward_backward(input, target_.view(), dropout_.draw(model_, random_, share),
                                           {batch.rows(), batch.nnz()});
  model_.set_code_sample(nullptr, 0);
  apply_gradients(config_.lazy_updates ? lazy_rows(*fed, own) : std::vector<parameter_rows>{});
  if (config_.refeed) refeed(input, share);

  epoch_sums mine;
  if (config_.goal == objective::multinomial) {
    mine.users = static_cast<std::size_t>(own.rows());
    for (const float nll : loss.row_sums) mine.nll += nll;
  } else {
    add_fit(loss, own.offsets, mine);
  }
  add_sums(mine, sums);
}

void trainer::share_penalties(const batch_share& share) {
  if (together_.size() == 1) return;
  // The per-row penalties are means over the rows, so a share's part is its
  // fraction of them; the parameters' own penalty (kernel layers') counts once, on rank 0.
  penalty_config p = config_.penalties;
  const auto fraction = static_cast<float>(share.fraction());
  p.activity.weight *= fraction;
  p.contractive *= fraction;
  if (together_.rank() > 0) p.local_kernel = 0;
  model_.set_penalties(p);
}

void trainer::add_sums(epoch_sums mine, epoch_sums& sums) {
  if (together_.size() > 1) {
    std::array<double, 5> all{mine.squared, static_cast<double>(mine.rated), mine.user_rmse, mine.nll,
                              static_cast<double>(mine.users)};
    together_.sum(all);
    mine = {all[0], static_cast<std::size_t>(all[1]), all[2], all[3], static_cast<std::size_t>(all[4])};
  }
  sums.squared += mine.squared;
  sums.rated += mine.rated;
  sums.user_rmse += mine.user_rmse;
  sums.nll += mine.nll;
  sums.users += mine.users;
}

void trainer::add_fit(const loss_value& loss, std::span<const int> offsets, epoch_sums& sums) {
  const std::size_t rows = offsets.size() - 1;
  for (std::size_t r = 0; r < rows; ++r) {
    if (offsets[r + 1] == offsets[r]) continue;  // a global kernel's full batch keeps empty rows
    const double squared = loss.row_sums[r];
    sums.user_rmse += std::sqrt(squared / (offsets[r + 1] - offsets[r]));
    sums.squared += squared;
    ++sums.users;
  }
  sums.rated += loss.rated;
}

epoch_report trainer::finish_epoch(const epoch_sums& sums, double seconds) {
  const auto per_user = [&](double sum) {
    return sums.users > 0 ? sum / static_cast<double>(sums.users) : 0.0;
  };
  return {++epochs_done_, sums.rated > 0 ? std::sqrt(sums.squared / static_cast<double>(sums.rated)) : 0.0,
          per_user(sums.user_rmse), seconds, per_user(sums.nll)};
}

epoch_report trainer::run_lbfgs_epoch(const ratings& train) {
  const auto start = std::chrono::steady_clock::now();
  const train_config::global_kernel_config& g = config_.global_kernel;
  if (g.size > 0 && !model_.global() && epochs_done_ >= g.pretrain_epochs)
    start_fine_tuning(train);
  else if (config_.lbfgs_restart)
    restart_lbfgs();
  const full_batch& batch = full_batch_of(train);
  const sparse_view rows = batch.rows.view();
  // torch's step returns the first evaluation, at the parameters the epoch starts from.
  std::optional<loss_value> first_fit;
  lbfgs_->step([&] {
    full_batch_value v = full_batch_objective(rows);
    if (!first_fit) first_fit = std::move(v.fit);
    return v.objective;
  });
  epoch_sums mine, sums;
  add_fit(*first_fit, batch.offsets, mine);
  add_sums(mine, sums);
  return finish_epoch(sums, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void trainer::start_fine_tuning(const ratings& train) {
  const train_config::global_kernel_config& g = config_.global_kernel;
  model_.add_global_kernel({train.rows(), g.size, g.dot_scale});
  model_.global()->initialize(random_);
  restart_lbfgs();
}

void trainer::restart_lbfgs() {
  lbfgs_.reset();
  lbfgs_.emplace(model_.device(), *config_.lbfgs, model_.parameters());
}

const trainer::full_batch& trainer::full_batch_of(const ratings& train) {
  full_batch& f = full_batch_;
  if (f.source == &train && f.source_rows == train.rows() && f.source_nnz == train.nnz() &&
      f.global == (model_.global() != nullptr))
    return f;
  // The network takes the whole matrix once the global kernel joins
  // (autoencoder::takes_whole_matrix); its pretraining epochs train on that
  // whole matrix too, as they always have.
  const bool whole = config_.global_kernel.size > 0;
  std::vector<std::int32_t> rows;
  for (std::int32_t r = 0; r < train.rows(); ++r)
    if (whole || train.row_size(r) > 0) rows.push_back(r);
  const sparse_batch batch = gather_rows(train, rows);
  // The global kernel pools over every row: with it, rank 0 takes them all.
  const auto total = static_cast<int>(rows.size());
  const batch_share share = !model_.global()        ? together_.share_of(total)
                            : together_.rank() == 0 ? batch_share{0, total, total}
                                                    : batch_share{total, total, total};
  share_penalties(share);
  sparse_batch copy;
  const sparse_batch& own = share_rows(batch, share, copy);
  f.rows.assign(model_.device(), own);
  f.offsets = own.offsets;
  f.source = &train;
  f.source_rows = train.rows();
  f.source_nnz = train.nnz();
  f.global = model_.global() != nullptr;
  return f;
}

trainer::full_batch_value trainer::full_batch_objective(const sparse_view& rows) {
  backend& b = model_.device();
  const auto n = static_cast<std::size_t>(rows.rows);
  row_sums_.reserve(b, std::max<std::size_t>(1, n));
  // grad_scale 1: d/do of 1/2 (o - t)^2 is o - t.
  if (n == 0) {
    model_.zero_gradients();
  } else if (model_.computes_rated()) {
    const float* rated = model_.forward_rated(rows, rows);
    d_output_.reserve(b, static_cast<std::size_t>(rows.nnz));
    ops<loss_ops>(b).rated_squared_error(rated, rows, 1.0f, d_output_.data(), row_sums_.data());
    model_.backward_rated(rows, rows, d_output_.data(), 0.0f);
  } else {
    const const_matrix_view output = model_.forward(rows);
    d_output_.reserve(b, n * static_cast<std::size_t>(output.cols));
    const matrix_view grad{d_output_.data(), output.rows, output.cols};
    ops<loss_ops>(b).masked_squared_error(output, rows, 1.0f, grad, row_sums_.data());
    model_.backward(rows, grad, 0.0f);
  }
  full_batch_value v{0, {0, row_sums_.download(n), static_cast<std::size_t>(rows.nnz)}};
  for (const float s : v.fit.row_sums) v.fit.loss += s;
  // Summed over the processes: the penalties of the parameters alone count once, on rank 0.
  v.objective =
      v.fit.loss / 2 + (n > 0 ? model_.penalty() : 0.0) + (together_.rank() == 0 ? weight_penalty() : 0.0);
  together_.sum_gradients(b, model_.parameters());
  std::array<double, 1> objective{v.objective};
  together_.sum(objective);
  v.objective = objective[0];
  return v;
}

double trainer::weight_penalty() {
  const double lambda = config_.optimizer.weight_decay;
  if (lambda == 0) return 0;
  backend& b = model_.device();
  double squares = 0;
  for (const parameter& p : model_.parameters()) {
    if (!p.name.ends_with(".weight")) continue;
    // A weight stored as W^T has the same squares: the layout does not matter here.
    const int n = static_cast<int>(p.size);
    squares += b.dot(n, p.value, p.value);
    b.axpy(n, static_cast<float>(lambda), p.value, p.grad);
  }
  return lambda / 2 * squares;
}

loss_value trainer::forward_backward(const sparse_view& x, const sparse_view& target, const sparse_view* mask,
                                     const batch_extent& whole) {
  backend& b = model_.device();
  // Accumulated gradients hold every process's sum after each step: rank 0
  // adds to it, the others start from nothing, and the sum adds up.
  const float beta = config_.accumulate_gradients && together_.rank() == 0 ? 1.0f : 0.0f;
  if (x.rows == 0) {
    if (beta == 0) model_.zero_gradients();
    return {0, {}, 0};
  }
  // The masked loss needs the rated outputs only; the full product is for
  // models without a hidden layer, and for the multinomial's softmax over all items.
  const bool multinomial = config_.goal == objective::multinomial;
  if (model_.computes_rated() && !multinomial) {
    const float* rated = model_.forward_rated(x, target, mask);
    d_output_.reserve(b, static_cast<std::size_t>(target.nnz));
    const loss_value loss = loss_.evaluate_rated(rated, target, d_output_.data(), &whole);
    model_.backward_rated(x, target, d_output_.data(), beta);
    return loss;
  }
  const const_matrix_view output = model_.forward(x, mask);
  d_output_.reserve(b, static_cast<std::size_t>(output.rows) * static_cast<std::size_t>(output.cols));
  const matrix_view grad{d_output_.data(), output.rows, output.cols};
  const loss_value loss = multinomial ? multinomial_.evaluate(output, target, grad, &whole)
                                      : loss_.evaluate(output, target, grad, &whole);
  model_.backward(x, grad, beta);
  return loss;
}

void trainer::refeed(const sparse_view& x, const batch_share& share) {
  backend& b = model_.device();
  // DeepRecommender re-feeds its dense output f(x) as a fully rated row: a
  // sparse batch with every entry, so the same rated-output path trains on it.
  if (every_entry_.view().rows != x.rows) every_entry_.assign(b, every_entry(x.rows, model_.items()));
  sparse_view fed = every_entry_.view();
  if (x.rows > 0) {
    refeed_values_.reserve(b, static_cast<std::size_t>(fed.nnz));
    b.gather(model_.forward(x), fed, refeed_values_.data());
    fed.values = refeed_values_.data();
  }
  const std::int64_t whole_rows = share.total;
  forward_backward(fed, fed, dropout_.draw(model_, random_, share),
                   {whole_rows, whole_rows * model_.items()});
  apply_gradients();
}

void trainer::apply_gradients(std::span<const parameter_rows> lazy) {
  together_.sum_gradients(model_.device(), model_.parameters());
  optimizer_.step(lazy);
}

std::vector<parameter_rows> trainer::lazy_rows(const sparse_batch& input, const sparse_batch& target) {
  // The rated outputs alone have gradients when the loss reads just those (forward_backward).
  const bool rated_only = model_.computes_rated() && config_.goal != objective::multinomial;
  return model_.lazy_rows(distinct_columns(input),
                          rated_only ? distinct_columns(target) : std::vector<std::int32_t>{});
}

std::vector<std::int32_t> trainer::distinct_columns(const sparse_batch& batch) {
  if (column_seen_.size() != static_cast<std::size_t>(batch.cols))
    column_seen_.assign(static_cast<std::size_t>(batch.cols), 0);
  std::vector<std::int32_t> cols;
  for (const std::int32_t c : batch.cols_index)
    if (!column_seen_[static_cast<std::size_t>(c)]) {
      column_seen_[static_cast<std::size_t>(c)] = 1;
      cols.push_back(c);
    }
  for (const std::int32_t c : cols) column_seen_[static_cast<std::size_t>(c)] = 0;
  std::sort(cols.begin(), cols.end());
  return cols;
}

sparse_batch trainer::corrupted(const sparse_batch& batch) {
  // Masking noise, drawn like dropout: each rating kept with probability
  // 1 - rate and scaled by 1 / (1 - rate); then Gaussian noise on those kept.
  const float rate = config_.input_dropout, sigma = config_.input_noise;
  const float keep_scale = 1 / (1 - rate);
  sparse_batch out;
  out.cols = batch.cols;
  std::vector<std::int32_t> cols;
  std::vector<float> values;
  for (int r = 0; r < batch.rows(); ++r) {
    cols.clear();
    values.clear();
    for (int e = batch.offsets[r]; e < batch.offsets[r + 1]; ++e)
      if (survives(random_, rate)) {
        cols.push_back(batch.cols_index[e]);
        values.push_back(batch.values[e] * keep_scale + (sigma > 0 ? sigma * random_.normal() : 0.0f));
      }
    out.append_row(cols, values);
  }
  return out;
}

void trainer::sample_code(const batch_share& share) {
  const auto code = static_cast<std::size_t>(model_.code_size());
  std::vector<float> draws(static_cast<std::size_t>(share.total) * code);
  for (float& z : draws) z = random_.normal();
  const std::size_t first = static_cast<std::size_t>(share.begin) * code;
  const std::size_t count = static_cast<std::size_t>(share.rows()) * code;
  code_draws_.reserve(model_.device(), std::max<std::size_t>(1, count));
  model_.device().to_device(code_draws_.data(), draws.data() + first, count * sizeof(float));
  // Liang et al.'s annealing: the KL weight grows with the updates made so
  // far; a share's KL is its fraction of the batch's mean.
  const double anneal = config_.kl_anneal_steps;
  const double progress = anneal > 0 ? std::min(1.0, static_cast<double>(optimizer_.steps()) / anneal) : 1.0;
  model_.set_code_sample(code_draws_.data(),
                         static_cast<float>(config_.kl_cap * progress * share.fraction()));
}

void trainer::start_epoch(const ratings& train) {
  progress_ = {};
  for (std::int32_t r = 0; r < train.rows(); ++r)
    if (train.row_size(r) > 0) progress_.rows.push_back(r);
  if (config_.shuffle) random_.shuffle(std::span(progress_.rows));
}

epoch_report trainer::run_epoch(const ratings& train) { return *run_epoch(train, {}); }

std::optional<epoch_report> trainer::run_epoch(const ratings& train, const std::function<bool()>& stop) {
  AEREC_ASSERT(train.cols() == model_.items());
  if (lbfgs_) {
    if (stop && together_.any(stop())) return std::nullopt;
    return run_lbfgs_epoch(train);
  }
  const auto start = std::chrono::steady_clock::now();
  if (progress_.rows.empty()) start_epoch(train);
  epoch_progress& p = progress_;
  // An epoch resumed from a saved state must be of the same data.
  if (std::any_of(p.rows.begin(), p.rows.end(), [&](std::int32_t r) { return r >= train.rows(); }))
    throw error(error_code::invalid_argument,
                "the unfinished epoch being resumed does not fit these training rows");
  const auto batch = static_cast<std::size_t>(config_.batch_size);
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  while (p.next < p.rows.size()) {
    if (stop && together_.any(stop())) {
      p.seconds += elapsed();
      return std::nullopt;
    }
    const std::size_t count = std::min(batch, p.rows.size() - p.next);
    train_batch(gather_rows(train, std::span(p.rows).subspan(p.next, count)), p.sums);
    p.next += count;
  }
  const epoch_report report = finish_epoch(p.sums, p.seconds + elapsed());
  progress_ = {};
  return report;
}

namespace {
// Leads a trainer state, so that an older layout is refused rather than
// misread: before "TRS2" the output layer stored W, not W^T (gradients and
// optimizer state are saved as stored in memory); "TRS2" lacked the
// multinomial objective's sums; "TRS3" the L-BFGS state.
constexpr std::uint32_t state_tag = 0x34535254;  // "TRS4"
}  // namespace

std::string trainer::save_state() const {
  binary_writer w;
  w.put(state_tag);
  w.put(static_cast<std::int32_t>(epochs_done_));
  w.put(random_.state());
  w.put(static_cast<std::uint64_t>(progress_.rows.size()));
  w.put_array(std::span<const std::int32_t>(progress_.rows));
  w.put(static_cast<std::uint64_t>(progress_.next));
  w.put(progress_.sums.squared);
  w.put(static_cast<std::uint64_t>(progress_.sums.rated));
  w.put(progress_.sums.user_rmse);
  w.put(progress_.sums.nll);
  w.put(static_cast<std::uint64_t>(progress_.sums.users));
  w.put(progress_.seconds);
  for (const parameter& p : model_.parameters()) {
    std::vector<float> grad(p.size);
    model_.device().to_host(grad.data(), p.grad, p.size * sizeof(float));
    w.put_array(std::span<const float>(grad));
  }
  const std::string optimizer_state = optimizer_.save_state();
  w.put(static_cast<std::uint64_t>(optimizer_state.size()));
  w.put_bytes(optimizer_state);
  if (lbfgs_) w.put_bytes(lbfgs_->save_state());  // the rest
  return std::move(w.bytes());
}

void trainer::load_state(std::string_view bytes, const std::string& source) {
  binary_reader r(bytes, source + ": trainer state");
  if (r.get<std::uint32_t>() != state_tag)
    r.fail("made by an older aerec whose training state this one cannot resume; train again");
  const auto epochs = r.get<std::int32_t>();
  const auto random_state = r.get<std::uint64_t>();
  const auto rows = r.get<std::uint64_t>();
  if (epochs < 0 || rows > r.size() / sizeof(std::int32_t)) r.fail("damaged");
  epoch_progress p;
  p.rows = r.get_array<std::int32_t>(static_cast<std::size_t>(rows));
  p.next = static_cast<std::size_t>(r.get<std::uint64_t>());
  p.sums.squared = r.get<double>();
  p.sums.rated = static_cast<std::size_t>(r.get<std::uint64_t>());
  p.sums.user_rmse = r.get<double>();
  p.sums.nll = r.get<double>();
  p.sums.users = static_cast<std::size_t>(r.get<std::uint64_t>());
  p.seconds = r.get<double>();
  if (p.next > p.rows.size()) r.fail("damaged");
  // Nothing changes until every part has been checked.
  std::vector<std::string_view> grads;
  for (const parameter& param : model_.parameters()) grads.push_back(r.take(param.size * sizeof(float)));
  const auto optimizer_bytes = r.get<std::uint64_t>();
  if (optimizer_bytes > r.size()) r.fail("damaged");
  const std::string_view optimizer_state = r.take(static_cast<std::size_t>(optimizer_bytes));
  std::optional<lbfgs> restored;
  if (lbfgs_) {
    restored.emplace(model_.device(), *config_.lbfgs, model_.parameters());
    restored->load_state(r.take(r.size()), source);
  }
  if (!r.empty()) r.fail("damaged");
  optimizer_.load_state(optimizer_state, source);
  const auto params = model_.parameters();
  for (std::size_t i = 0; i < params.size(); ++i)
    model_.device().to_device(params[i].grad, grads[i].data(), grads[i].size());
  if (restored) {
    lbfgs_.reset();
    lbfgs_.emplace(std::move(*restored));
  }
  epochs_done_ = epochs;
  random_ = rng(random_state);
  progress_ = std::move(p);
}

}  // namespace aerec
