// PC profiler of mctpm-sim (--profile): a histogram of system cycles per
// instruction address. Every sampled cycle is charged to the address of the
// latest instruction fetch, so an instruction is charged its fetch, execute
// and load/store cycles. scripts/profile_report.py maps the addresses to
// functions.
#pragma once
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <string>
#include <vector>

class PcProfiler {
 public:
  // Addresses in [base, base + size) get a bucket each (one per 32-bit word);
  // anything else is counted as "other".
  PcProfiler(std::string path, uint32_t base, uint32_t size, uint32_t every)
      : path_(std::move(path)), tmp_(path_ + ".tmp"), base_(base), every_(every == 0 ? 1 : every),
        hist_(size / 4, 0) {}

  // Once per system cycle. `fetch_valid`/`fetch_addr`: the CPU's bus this
  // cycle; `count`: whether this cycle belongs to the profile.
  void cycle(bool fetch_valid, uint32_t fetch_addr, bool count) {
    if (fetch_valid) pc_ = fetch_addr;
    if (!count) return;
    if (++phase_ < every_) return;
    phase_ = 0;
    const uint32_t i = (pc_ - base_) / 4;
    if (pc_ >= base_ && i < hist_.size()) {
      hist_[i] += every_;
    } else {
      other_ += every_;
    }
  }

  // Rewrites the whole file: "0xADDR CYCLES" lines in address order. Written
  // beside it and renamed, so a simulator stopped mid-write leaves the last
  // complete profile. Only open/write/rename and no allocation: the stop
  // signal handler calls this too (a client may disconnect just before it).
  bool write() const {
    const int fd = open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return false;
    uint64_t total = other_;
    for (uint64_t c : hist_) total += c;
    Out out{fd, {}, 0, true};
    out.str("# mctpm-sim PC profile: system cycles charged to the latest fetched instruction\n");
    out.str("# sampled every ");
    out.dec(every_);
    out.str(" cycles while the firmware runs a command; total ");
    out.dec(total);
    out.str("\n");
    for (size_t i = 0; i < hist_.size(); ++i) {
      if (hist_[i] == 0) continue;
      out.str("0x");
      out.hex8(uint32_t(base_ + 4 * i));
      out.str(" ");
      out.dec(hist_[i]);
      out.str("\n");
    }
    if (other_ != 0) {
      out.str("other ");
      out.dec(other_);
      out.str("\n");
    }
    out.flush();
    const bool closed = close(fd) == 0;
    return closed && out.ok && rename(tmp_.c_str(), path_.c_str()) == 0;
  }

 private:
  // A small buffered writer on a file descriptor.
  struct Out {
    int fd;
    char buf[4096];
    size_t n;
    bool ok;
    void flush() {
      if (n != 0 && ::write(fd, buf, n) != ssize_t(n)) ok = false;
      n = 0;
    }
    void put(char c) {
      if (n == sizeof buf) flush();
      buf[n++] = c;
    }
    void str(const char* s) {
      while (*s) put(*s++);
    }
    void dec(uint64_t v) {
      char d[20];
      int k = 0;
      do {
        d[k++] = char('0' + v % 10);
        v /= 10;
      } while (v != 0);
      while (k > 0) put(d[--k]);
    }
    void hex8(uint32_t v) {
      for (int i = 7; i >= 0; --i) put("0123456789abcdef"[(v >> (4 * i)) & 15u]);
    }
  };

  std::string path_;
  std::string tmp_;
  uint32_t base_;
  uint32_t every_;
  uint32_t phase_ = 0;
  uint32_t pc_ = 0;
  std::vector<uint64_t> hist_;
  uint64_t other_ = 0;
};
