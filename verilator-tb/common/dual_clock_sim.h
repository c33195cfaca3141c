// Two-clock driver for Verilator harnesses: a free-running system clock
// (clk_i) and an SPI master (mode 0) on spi_sclk_i / spi_cs_ni / spi_mosi_i /
// spi_miso_o, with edges of both interleaved in time order.
//
// Time is kept in picoseconds. Clock edge n of a clock at f Hz lies at
// floor(n * 1e12 / (2 f)) ps from its origin, so periods are exact on average
// without a per-picosecond loop: the driver jumps from edge to edge. The
// system clock starts low at time 0 (first rising edge after half a period).
// Where a system edge and an SPI pin change fall on the same picosecond, the
// system edge is applied first.
#ifndef MCTPM_VERILATOR_TB_DUAL_CLOCK_SIM_H
#define MCTPM_VERILATOR_TB_DUAL_CLOCK_SIM_H

#include <cstdint>
#include <functional>
#include <utility>

template <class Top>
class DualClockSim {
 public:
  DualClockSim(Top& top, uint32_t sys_hz, uint32_t spi_hz)
      : top_(top), sys_hz_(sys_hz), spi_hz_(spi_hz) {
    top_.clk_i = 0;
    top_.rst_ni = 1;
    top_.spi_sclk_i = 0;
    top_.spi_cs_ni = 1;
    top_.spi_mosi_i = 0;
    eval();
  }

  // rst_ni low for `cycles` system cycles, then high; CS high, SCLK low.
  void reset(unsigned cycles) {
    top_.rst_ni = 0;
    top_.spi_cs_ni = 1;
    top_.spi_sclk_i = 0;
    top_.spi_mosi_i = 0;
    eval();
    run_sys_cycles(cycles);
    top_.rst_ni = 1;
    eval();
    cs_high_since_ps_ = now_ps_;
  }

  // Time passes; SPI pins unchanged.
  void run_sys_cycles(uint64_t n) {
    const uint64_t target = sys_cycles_ + n;  // rising edge k is edge 2k-1
    advance_to(sys_edge_time(2 * target - 1));
  }
  void advance_ns(uint64_t ns) { advance_to(now_ps_ + ns * 1000); }

  // CS low, then half an SPI period of setup before the first edge. CS stays
  // high for at least one SPI period between frames.
  void cs_assert() {
    const uint64_t min_high = edge_time(2, spi_hz_);
    if (now_ps_ < cs_high_since_ps_ + min_high) advance_to(cs_high_since_ps_ + min_high);
    top_.spi_cs_ni = 0;
    eval();
    spi_origin_ps_ = now_ps_;
    spi_half_ = 0;
    spi_wait_half();
  }
  // Half an SPI period of hold after the last falling edge, then CS high.
  void cs_release() {
    spi_wait_half();
    top_.spi_cs_ni = 1;
    eval();
    cs_high_since_ps_ = now_ps_;
  }

  // `nbits` bits of `mosi`, MSB first (bit 7 down), mode 0. Returns the MISO
  // bits sampled at each rising edge, in the same positions. CS must be low.
  uint8_t spi_bits(uint8_t mosi, unsigned nbits) {
    uint8_t miso = 0;
    for (unsigned i = 0; i < nbits; ++i) {
      const unsigned bit = 7 - i;
      top_.spi_mosi_i = (mosi >> bit) & 1u;
      eval();
      spi_wait_half();
      if (top_.spi_miso_o) miso |= uint8_t(1u << bit);  // sampled before the edge
      top_.spi_sclk_i = 1;
      eval();
      spi_wait_half();
      top_.spi_sclk_i = 0;
      eval();
    }
    return miso;
  }
  uint8_t spi_byte(uint8_t mosi) { return spi_bits(mosi, 8); }

  uint64_t sys_cycles() const { return sys_cycles_; }
  uint64_t time_ps() const { return now_ps_; }
  uint32_t spi_hz() const { return spi_hz_; }
  Top& top() { return top_; }

  // Called after every eval() with the current time, e.g. for waveform dumps.
  void set_on_eval(std::function<void(uint64_t time_ps)> f) { on_eval_ = std::move(f); }

  // Evaluate after the caller changed other inputs (e.g. a bus request).
  void eval() {
    top_.eval();
    if (on_eval_) on_eval_(now_ps_);
  }

 private:
  static uint64_t edge_time(uint64_t n, uint32_t hz) {
    return uint64_t((unsigned __int128)n * 1000000000000ull / (2ull * hz));
  }
  uint64_t sys_edge_time(uint64_t n) const { return edge_time(n, sys_hz_); }
  void spi_wait_half() {
    ++spi_half_;
    advance_to(spi_origin_ps_ + edge_time(spi_half_, spi_hz_));
  }

  // Apply every system clock edge up to and including time t.
  void advance_to(uint64_t t) {
    while (sys_edge_time(next_sys_edge_) <= t) {
      now_ps_ = sys_edge_time(next_sys_edge_);
      const bool rising = (next_sys_edge_ & 1u) != 0;
      top_.clk_i = rising ? 1 : 0;
      eval();
      if (rising) ++sys_cycles_;
      ++next_sys_edge_;
    }
    if (t > now_ps_) now_ps_ = t;
  }

  Top& top_;
  uint32_t sys_hz_, spi_hz_;
  uint64_t now_ps_ = 0;
  uint64_t next_sys_edge_ = 1;  // edge 0 (t=0, low) is the initial state
  uint64_t sys_cycles_ = 0;
  uint64_t spi_origin_ps_ = 0;  // time of the latest CS assertion
  uint64_t spi_half_ = 0;       // SPI half periods since spi_origin_ps_
  uint64_t cs_high_since_ps_ = 0;
  std::function<void(uint64_t)> on_eval_;
};

#endif  // MCTPM_VERILATOR_TB_DUAL_CLOCK_SIM_H
