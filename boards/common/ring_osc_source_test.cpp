// Self-checking test of ring_osc_source's health tests and word packing.
// The ring oscillators cannot be simulated (their noise is analogue jitter),
// so the module is built with Simulation=1 and this bench feeds the raw bit
// stream through the test-only inputs: stuck-at and biased streams must trip
// the SP 800-90B tests at their cutoffs, good streams must not.
// Usage: ring_osc_source_test <check>; exits non-zero on any error.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "Vring_osc_source.h"
#include "verilated.h"

namespace {

// Cutoffs documented in rtl/entropy/ring_osc_source.v (H = 0.5, alpha = 2^-20).
constexpr int kRctCutoff = 41;
constexpr int kAptWindow = 1024;
constexpr int kAptCutoff = 793;

int errors = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what);
    ++errors;
  }
}

class Bench {
 public:
  Bench() { reset(); }

  void reset() {
    m_.rst_ni = 0;
    m_.test_valid_i = 0;
    m_.test_bit_i = 0;
    m_.ready_i = 1;
    tick();
    tick();
    m_.rst_ni = 1;
    words_.clear();
  }

  // One raw sample, then one idle cycle (the source sees bits at any rate).
  void feed(int bit) {
    m_.test_bit_i = bit & 1;
    m_.test_valid_i = 1;
    tick();
    m_.test_valid_i = 0;
    tick();
  }

  void feed_pattern(const char* bits, int count) {
    const size_t n = std::strlen(bits);
    for (int i = 0; i < count; ++i) feed(bits[i % n] == '1');
  }

  void set_ready(bool r) { m_.ready_i = r; }
  void idle(int cycles) {
    for (int i = 0; i < cycles; ++i) tick();
  }
  bool failed() const { return m_.health_fail_o; }
  bool valid() const { return m_.valid_o; }
  const std::vector<uint32_t>& words() const { return words_; }

 private:
  void tick() {
    // A word moves when valid and ready are both high at the clock edge.
    if (m_.valid_o && m_.ready_i) words_.push_back(m_.word_o);
    m_.clk_i = 0;
    m_.eval();
    m_.clk_i = 1;
    m_.eval();
  }

  Vring_osc_source m_;
  std::vector<uint32_t> words_;
};

// Deterministic stand-in for a good noise source: one xorshift64 bit each.
struct Bits {
  uint64_t s = 0x9E3779B97F4A7C15ull;
  int next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<int>(s >> 63);
  }
};

// Alternating bits: never trips either test, passes the start-up window.
void warm_up(Bench& b) {
  for (int i = 0; i < 2 * kAptWindow; ++i) b.feed(i & 1);
}

void stuck_at() {
  {
    Bench b;  // stuck at 0 from the start
    for (int i = 0; i < kRctCutoff - 1; ++i) b.feed(0);
    check(!b.failed(), "40 zeros in a row must pass the repetition count test");
    b.feed(0);
    check(b.failed(), "41 zeros in a row must fail the repetition count test");
  }
  {
    Bench b;  // stuck at 1 after a good start
    warm_up(b);
    b.feed(0);
    for (int i = 0; i < kRctCutoff - 1; ++i) b.feed(1);
    check(!b.failed(), "a run of 40 ones must pass");
    b.feed(0);
    for (int i = 0; i < kRctCutoff; ++i) b.feed(1);
    check(b.failed(), "a run of 41 ones must fail");
    // Sticky: good bits afterwards change nothing.
    Bits g;
    for (int i = 0; i < 4 * kAptWindow; ++i) b.feed(g.next());
    check(b.failed(), "a health failure is sticky");
    b.reset();
    check(!b.failed(), "reset clears the failure");
  }
}

// Windows of kAptWindow bits, each starting with a 1 and holding exactly
// `ones` ones spread evenly (no long runs, so only the APT can trip).
void feed_windows(Bench& b, int ones, int windows) {
  for (int w = 0; w < windows; ++w) {
    for (int i = 0; i < kAptWindow; ++i) b.feed((i * ones) % kAptWindow < ones);
  }
}

void biased() {
  {
    Bench b;
    feed_windows(b, kAptCutoff - 1, 8);
    check(!b.failed(), "792 ones in every window of 1024 must pass the adaptive proportion test");
    feed_windows(b, kAptCutoff, 1);
    check(b.failed(), "793 ones in a window of 1024 must fail the adaptive proportion test");
  }
  {
    Bench b;  // 80 % ones, runs of at most 4: only the APT can see it
    b.feed_pattern("11110", 4 * kAptWindow);
    check(b.failed(), "an 80 % biased stream must fail the adaptive proportion test");
  }
  {
    Bench b;  // 75 % ones: 768 per window, below the cutoff of 793
    b.feed_pattern("1110", 64 * kAptWindow);
    check(!b.failed(), "a 75 % biased stream is within the cutoff for H = 0.5");
  }
  {
    Bench b;  // random with P(1) = 0.9
    Bits g;
    for (int i = 0; i < 8 * kAptWindow && !b.failed(); ++i) {
      const bool one = (g.next() + g.next() + g.next() + g.next()) != 0 || g.next();
      b.feed(one);
    }
    check(b.failed(), "a random stream with P(1) ~ 0.97 must fail");
  }
}

void good_stream() {
  Bench b;
  Bits g;
  std::vector<int> fed;
  const int n = 1 << 20;
  for (int i = 0; i < n; ++i) {
    const int bit = g.next();
    fed.push_back(bit);
    b.feed(bit);
  }
  check(!b.failed(), "a good stream of 2^20 bits must pass both tests");
  // Words start after the start-up window; bit 31 is the earliest bit.
  const size_t expected = (n - kAptWindow) / 32;
  check(b.words().size() == expected, "one word per 32 bits after start-up");
  for (size_t k = 0; k < b.words().size(); ++k) {
    uint32_t w = 0;
    for (int j = 0; j < 32; ++j) w = (w << 1) | fed[kAptWindow + 32 * k + j];
    if (b.words()[k] != w) {
      check(false, "word packs the raw bits, first bit in bit 31");
      break;
    }
  }
}

void startup_and_flow() {
  Bench b;
  Bits g;
  for (int i = 0; i < kAptWindow; ++i) {
    b.feed(g.next());
    if (b.valid()) break;
  }
  check(b.words().empty() && !b.valid(), "no word before the first APT window has passed");

  // A consumer that is not ready keeps one word pending; later ones drop.
  b.set_ready(false);
  for (int i = 0; i < 10 * 32; ++i) b.feed(g.next());
  check(b.valid() && b.words().empty(), "a word waits while ready is low");
  b.set_ready(true);
  b.idle(2);
  check(b.words().size() == 1 && !b.valid(), "the pending word is taken once");

  // After a failure no word comes out, whatever follows.
  b.feed(0);
  for (int i = 0; i < kRctCutoff; ++i) b.feed(1);
  check(b.failed(), "stuck bits fail");
  const size_t before = b.words().size();
  for (int i = 0; i < 10 * 32; ++i) b.feed(g.next());
  check(!b.valid() && b.words().size() == before, "no word is handed out after a failure");
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  const std::map<std::string, std::function<void()>> checks = {
      {"stuck-at", stuck_at},
      {"biased", biased},
      {"good-stream", good_stream},
      {"startup-and-flow", startup_and_flow},
  };
  if (argc != 2 || checks.count(argv[1]) == 0) {
    std::fprintf(stderr, "usage: %s stuck-at|biased|good-stream|startup-and-flow\n", argv[0]);
    return 2;
  }
  checks.at(argv[1])();
  std::printf("%s: %d error(s)\n", argv[1], errors);
  return errors == 0 ? 0 : 1;
}
