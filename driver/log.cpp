#include "log.h"

#include <cstdio>

namespace mctpmd {

void Log::info(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::fprintf(stderr, "mctpmd: %s\n", line.c_str());
}

void Log::debug(const std::string& line) {
  if (verbose_) info(line);
}

}  // namespace mctpmd
