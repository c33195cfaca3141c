// The Linux SPI core's handling of an SPI_IOC_MESSAGE, in software: replays
// the spi_ioc_transfer arrays a SpidevPort is given into a Transport (the
// Verilated chip over the sim socket). The message asserts CS; cs_change on a
// transfer that is not the last toggles CS after it; cs_change on the last one
// keeps CS asserted after the message, otherwise CS is deasserted
// (drivers/spi/spi.c, spi_transfer_one_message). Settings the backend must
// not use (other speed, word size, delays, dual/quad) are test failures.
#ifndef MCTPM_TESTS_SPIDEV_INTERPRETER_H
#define MCTPM_TESTS_SPIDEV_INTERPRETER_H

#include <cstdint>
#include <string>
#include <vector>

#include "mctpm/spidev_transport.h"
#include "mctpm/transport.h"

namespace mctpm_test {

class SpidevInterpreter : public mctpm::SpidevPort {
 public:
  SpidevInterpreter(mctpm::Transport& chip, uint32_t speed_hz) : chip_(chip), speed_hz_(speed_hz) {}

  void message(std::vector<spi_ioc_transfer>& xfers) override;
  std::string describe() const override { return "spidev-interpreter"; }

  bool cs_low() const { return cs_low_; }
  unsigned messages() const { return messages_; }
  // MOSI bytes of each CS assertion, in order.
  const std::vector<std::vector<uint8_t>>& mosi_frames() const { return mosi_frames_; }

 private:
  [[noreturn]] void fail(const std::string& what);
  void cs(bool low);

  mctpm::Transport& chip_;
  uint32_t speed_hz_;
  bool cs_low_ = false;
  unsigned messages_ = 0;
  std::vector<std::vector<uint8_t>> mosi_frames_;
};

}  // namespace mctpm_test

#endif
