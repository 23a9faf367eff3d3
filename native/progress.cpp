#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace aerec::cli {

namespace {
std::string duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else if (s >= 60)
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%lds", s);
  return buffer;
}
}  // namespace

progress::progress(int epochs, bool quiet)
    : epochs_(epochs), quiet_(quiet), terminal_(isatty(STDERR_FILENO) != 0) {}

void progress::update(const epoch_report& r, std::optional<double> validation) {
  char figures[80];
  if (r.train_nll > 0)
    std::snprintf(figures, sizeof figures, "train_nll %.4f", r.train_nll);
  else
    std::snprintf(figures, sizeof figures, "train_loss %.4f  seed_loss %.4f", r.train_rmse,
                  r.train_seed_loss);
  show(r.epoch, r.seconds, figures, r.train_nll > 0 ? r.train_nll : r.train_rmse, validation);
}

void progress::update(int epoch, double seconds, const char* loss_name, double loss,
                      std::optional<double> validation) {
  char figures[80];
  std::snprintf(figures, sizeof figures, "train_%s %.4f", loss_name, loss);
  show(epoch, seconds, figures, loss, validation);
}

void progress::show(int epoch, double seconds, const char* figures, double loss,
                    std::optional<double> validation) {
  if (quiet_) return;
  elapsed_ += seconds;
  const double eta = elapsed_ / ++updates_ * (epochs_ - epoch);
  char val[32] = "";
  if (validation) std::snprintf(val, sizeof val, "  val %.4f", *validation);
  if (!terminal_) {
    std::fprintf(stderr, "epoch %d/%d  %s%s  %.2fs  ETA %s\n", epoch, epochs_, figures, val, seconds,
                 duration(eta).c_str());
    return;
  }
  constexpr int width = 30;
  const int done = epochs_ > 0 ? width * epoch / epochs_ : width;
  const std::string bar = std::string(static_cast<std::size_t>(done), '#') +
                          std::string(static_cast<std::size_t>(width - done), '.');
  std::fprintf(stderr, "\r[%s] %d/%d  loss %.4f%s  %.2fs/epoch  ETA %-8s", bar.c_str(), epoch, epochs_, loss,
               val, seconds, duration(eta).c_str());
  std::fflush(stderr);
}

void progress::finish() {
  if (terminal_ && !quiet_) std::fputc('\n', stderr);
}

}  // namespace aerec::cli
