// An FTDI MPSSE engine in software: executes the exact bytes an MpsseLink is
// given and drives the SPI pins they describe into a Transport (the Verilated
// chip over the sim socket). CS falling starts a frame (the next byte opens it),
// CS rising is CS_RELEASE; 0x31 clock-data commands are the SPI bytes.
// Anything a mode-0 SPI master must not send (unknown opcodes, clocking with
// CS high or before the clock set-up, wrong pin directions) is a test failure.
#ifndef MCTPM_TESTS_MPSSE_INTERPRETER_H
#define MCTPM_TESTS_MPSSE_INTERPRETER_H

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "mctpm/ftdi_transport.h"
#include "mctpm/transport.h"

namespace mctpm_test {

class MpsseInterpreter : public mctpm::MpsseLink {
 public:
  MpsseInterpreter(mctpm::Transport& chip, unsigned cs_bit = 3) : chip_(chip), cs_mask_(uint8_t(1u << cs_bit)) {}

  void write(const std::vector<uint8_t>& bytes) override;
  std::vector<uint8_t> read(size_t n) override;
  std::string describe() const override { return "mpsse-interpreter"; }

  // What the engine was told.
  uint32_t sck_hz() const;             // 0 before a divisor was set
  bool cs_low() const { return cs_low_; }
  unsigned frames() const { return frames_; }  // CS assertions
  // MOSI bytes of each frame, in order (the byte-exact SPI traffic).
  const std::vector<std::vector<uint8_t>>& mosi_frames() const { return mosi_frames_; }

 private:
  [[noreturn]] void fail(const std::string& what);
  void set_gpio(uint8_t value, uint8_t dir);
  void clock_bytes(const uint8_t* p, size_t n);

  mctpm::Transport& chip_;
  uint8_t cs_mask_;
  bool clk_div5_off_ = false, adaptive_off_ = false, three_phase_off_ = false, loopback_off_ = false;
  bool divisor_set_ = false, gpio_set_ = false;
  uint16_t divisor_ = 0;
  uint8_t gpio_value_ = 0, gpio_dir_ = 0;
  bool cs_low_ = false;
  unsigned frames_ = 0;
  std::vector<std::vector<uint8_t>> mosi_frames_;
  std::deque<uint8_t> to_host_;  // MISO bytes and command replies, not yet read
};

}  // namespace mctpm_test

#endif
