#pragma once
// Counts as people read them: 1234567 -> "1,234,567" (the CLI's tables, the
// legends of pictures).
#include <cstdint>
#include <string>

namespace aerec {

std::string thousands(std::uint64_t n);

}  // namespace aerec
