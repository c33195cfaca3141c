#include "mpsse_interpreter.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>

#include "mctpm/error.h"

namespace mctpm_test {

using mctpm::MpsseEncoder;

namespace {

std::string hex8(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%02X", v);
  return b;
}

}  // namespace

void MpsseInterpreter::fail(const std::string& what) {
  ADD_FAILURE() << "MPSSE interpreter: " << what;
  throw std::runtime_error("MPSSE interpreter: " + what);
}

uint32_t MpsseInterpreter::sck_hz() const {
  if (!divisor_set_) return 0;
  return (clk_div5_off_ ? 60000000u : 12000000u) / ((1u + divisor_) * 2u);
}

void MpsseInterpreter::write(const std::vector<uint8_t>& b) {
  size_t i = 0;
  auto need = [&](size_t n, uint8_t op) {
    if (b.size() - i < n) fail("command " + hex8(op) + " truncated at the end of a USB write");
  };
  while (i < b.size()) {
    const uint8_t op = b[i++];
    switch (op) {
      case MpsseEncoder::kDisableClkDiv5: clk_div5_off_ = true; break;
      case MpsseEncoder::kDisableAdaptive: adaptive_off_ = true; break;
      case MpsseEncoder::kDisable3Phase: three_phase_off_ = true; break;
      case MpsseEncoder::kLoopbackOff: loopback_off_ = true; break;
      case MpsseEncoder::kSendImmediate: break;
      case MpsseEncoder::kBogusCommand:  // the real engine answers 0xFA, then the opcode
        to_host_.push_back(0xFA);
        to_host_.push_back(op);
        break;
      case MpsseEncoder::kSetDivisor:
        need(2, op);
        divisor_ = uint16_t(b[i] | (b[i + 1] << 8));
        divisor_set_ = true;
        i += 2;
        break;
      case MpsseEncoder::kSetGpioLow:
        need(2, op);
        set_gpio(b[i], b[i + 1]);
        i += 2;
        break;
      case MpsseEncoder::kClockBytesOutNegInPos: {
        need(2, op);
        const size_t n = size_t(b[i] | (b[i + 1] << 8)) + 1;
        i += 2;
        need(n, op);
        clock_bytes(&b[i], n);
        i += n;
        break;
      }
      default:
        fail("unexpected MPSSE opcode " + hex8(op) + " at byte " + std::to_string(i - 1) + " of a write");
    }
  }
}

void MpsseInterpreter::set_gpio(uint8_t value, uint8_t dir) {
  const uint8_t want_dir = MpsseEncoder::kPinSck | MpsseEncoder::kPinMosi | cs_mask_;
  if (dir != want_dir)
    fail("GPIO low direction " + hex8(dir) + ", expected " + hex8(want_dir) + " (SCK, MOSI, CS out; MISO in)");
  if (value & (MpsseEncoder::kPinSck | MpsseEncoder::kPinMosi))
    fail("GPIO low value " + hex8(value) + " does not idle SCK and MOSI low (SPI mode 0)");
  if (value & ~want_dir) fail("GPIO low value " + hex8(value) + " drives an input pin");
  const bool low = (value & cs_mask_) == 0;
  if (!gpio_set_ && low) fail("the first GPIO write asserts CS: CS must idle high");
  gpio_set_ = true;
  gpio_value_ = value;
  gpio_dir_ = dir;
  if (low && !cs_low_) {
    ++frames_;
    mosi_frames_.emplace_back();
  }
  if (!low && cs_low_ && !mosi_frames_.empty() && !mosi_frames_.back().empty()) chip_.release();
  cs_low_ = low;
}

void MpsseInterpreter::clock_bytes(const uint8_t* p, size_t n) {
  if (!(clk_div5_off_ && adaptive_off_ && three_phase_off_ && divisor_set_ && loopback_off_))
    fail("data clocked before the clock set-up (0x8A, 0x97, 0x8D, 0x86, 0x85) was complete");
  if (sck_hz() > 30000000) fail("SCK above 30 MHz");
  if (!gpio_set_ || !cs_low_) fail("data clocked with CS high: the TPM would ignore it");
  std::vector<uint8_t> miso(n);
  chip_.transfer(p, miso.data(), n);
  mosi_frames_.back().insert(mosi_frames_.back().end(), p, p + n);
  to_host_.insert(to_host_.end(), miso.begin(), miso.end());
}

std::vector<uint8_t> MpsseInterpreter::read(size_t n) {
  if (to_host_.size() < n)
    throw mctpm::Error(mctpm::Error::Kind::Timeout, "short read: " + std::to_string(to_host_.size()) + " of " +
                                                        std::to_string(n) + " bytes available");
  std::vector<uint8_t> out(to_host_.begin(), to_host_.begin() + std::ptrdiff_t(n));
  to_host_.erase(to_host_.begin(), to_host_.begin() + std::ptrdiff_t(n));
  return out;
}

}  // namespace mctpm_test
