#include "spidev_interpreter.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mctpm_test {

void SpidevInterpreter::fail(const std::string& what) {
  ADD_FAILURE() << "spidev interpreter: " << what;
  throw std::runtime_error("spidev interpreter: " + what);
}

void SpidevInterpreter::cs(bool low) {
  if (low && !cs_low_) mosi_frames_.emplace_back();
  if (!low && cs_low_) {
    // A CS pulse without clocks carries nothing; a frame with bytes ends here.
    if (mosi_frames_.back().empty()) fail("CS pulsed without data (a release while CS was already high?)");
    chip_.release();
  }
  cs_low_ = low;
}

void SpidevInterpreter::message(std::vector<spi_ioc_transfer>& xfers) {
  ++messages_;
  if (xfers.empty()) fail("SPI_IOC_MESSAGE(0)");
  cs(true);  // the SPI core asserts CS at the start of every message
  for (size_t i = 0; i < xfers.size(); ++i) {
    const spi_ioc_transfer& x = xfers[i];
    const std::string at = "transfer " + std::to_string(i) + " of message " + std::to_string(messages_);
    if (x.speed_hz != speed_hz_) fail(at + ": speed_hz " + std::to_string(x.speed_hz));
    if (x.bits_per_word != 8 && x.bits_per_word != 0) fail(at + ": bits_per_word " + std::to_string(x.bits_per_word));
    if (x.delay_usecs != 0 || x.word_delay_usecs != 0 || x.tx_nbits > 1 || x.rx_nbits > 1)
      fail(at + ": delays or multi-bit transfers");
    if (x.len > 0) {
      if (x.tx_buf == 0 || x.rx_buf == 0) fail(at + ": half-duplex transfer (TPM SPI is full duplex)");
      const auto* tx = reinterpret_cast<const uint8_t*>(uintptr_t(x.tx_buf));
      auto* rx = reinterpret_cast<uint8_t*>(uintptr_t(x.rx_buf));
      chip_.transfer(tx, rx, x.len);
      mosi_frames_.back().insert(mosi_frames_.back().end(), tx, tx + x.len);
    }
    const bool last = i + 1 == xfers.size();
    if (x.cs_change && !last) {
      cs(false);
      cs(true);
    }
    if (last && !x.cs_change) cs(false);
  }
}

}  // namespace mctpm_test
