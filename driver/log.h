// stderr log of mctpmd: one line per event, whole lines even with many threads.
#ifndef MCTPMD_LOG_H
#define MCTPMD_LOG_H

#include <mutex>
#include <string>

namespace mctpmd {

class Log {
 public:
  explicit Log(bool verbose) : verbose_(verbose) {}
  void info(const std::string& line);
  void debug(const std::string& line);  // only with -v
  bool verbose() const { return verbose_; }

 private:
  std::mutex mutex_;
  bool verbose_;
};

}  // namespace mctpmd

#endif
