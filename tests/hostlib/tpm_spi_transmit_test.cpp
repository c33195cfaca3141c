// TpmSpi::transmit against a model of the chip's FIFO interface: localities,
// commandReady, burst counts, Expect, tpmGo, dataAvail, wait states.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "mctpm/error.h"
#include "mctpm/tpm_spi.h"
#include "tpm_spi_regs.h"

namespace {

using Bytes = std::vector<uint8_t>;

// Decodes SPI frames the way the PTP defines them and keeps FIFO state.
class FakeChip : public mctpm::Transport {
 public:
  // Behaviour knobs for the failure tests.
  unsigned wait_states = 1;     // per transaction, like the real chip
  uint32_t burst = 16;          // burstCount reported while a burst is possible
  bool respond = true;          // false: never raises dataAvail
  int expect_extra = 0;         // >0: keeps Expect this many bytes too long
  int extra_response_bytes = 0; // bytes left in the FIFO after the declared size

  Bytes received;               // the last complete command
  std::vector<int> requests;    // localities that wrote requestUse, in order
  std::vector<int> relinquished;
  int aborts = 0;               // commandReady writes while not idle
  int active = -1;
  bool last_byte_not_alone = false;

  void transfer(const uint8_t* mosi, uint8_t* miso, size_t n) override {
    std::fill(miso, miso + n, 0);
    if (phase_ == Phase::Header) {
      if (n != 4) throw std::logic_error("header must be one 4-byte transfer");
      is_read_ = mosi[0] & 0x80;
      size_ = (mosi[0] & 0x3F) + 1u;
      const uint32_t addr = (uint32_t(mosi[1]) << 16) | (uint32_t(mosi[2]) << 8) | mosi[3];
      if ((addr & 0xFF0000) != 0xD40000) throw std::logic_error("address outside the TPM window");
      locality_ = (addr >> 12) & 0xF;
      offset_ = addr & 0xFFF;
      waits_left_ = wait_states;
      miso[3] = waits_left_ ? 0 : 1;
      phase_ = waits_left_ ? Phase::Wait : Phase::Data;
      return;
    }
    if (phase_ == Phase::Wait) {
      if (n != 1 || mosi[0] != 0) throw std::logic_error("wait-state polls are single 0x00 bytes");
      miso[0] = --waits_left_ ? 0 : 1;
      if (!waits_left_) phase_ = Phase::Data;
      return;
    }
    if (phase_ != Phase::Data || n != size_) throw std::logic_error("data phase must be one transfer of the size");
    if (is_read_) {
      for (size_t i = 0; i < n; ++i) miso[i] = read_byte(uint16_t(offset_ + (offset_ == MCTPM_TPM_DATA_FIFO ? 0 : i)));
    } else {
      write_bytes(mosi, n);
    }
    phase_ = Phase::Done;
  }
  void release() override {
    if (phase_ != Phase::Done && phase_ != Phase::Wait) throw std::logic_error("CS released mid-frame");
    phase_ = Phase::Header;
  }
  void wait_us(uint32_t us) override { now_ += us; }
  uint64_t now_us() override { return now_ += 100; }
  std::string describe() const override { return "fake chip"; }

 private:
  enum class Phase { Header, Wait, Data, Done };
  enum class State { Idle, Ready, Receiving, Executed, Response };

  uint32_t sts() const {
    uint32_t s = MCTPM_TPM_STS_VALID | MCTPM_TPM_STS_FAMILY_TPM2;
    if (int(locality_) != active) return 0xFFFFFFFFu;  // not our locality: reads float
    switch (state_) {
      case State::Idle: break;
      case State::Ready: s |= MCTPM_TPM_STS_COMMAND_READY | (burst << 8); break;
      case State::Receiving:
        s |= (burst << 8);
        if (cmd_.size() < 6 || cmd_.size() < declared_size() + expect_extra) s |= MCTPM_TPM_STS_EXPECT;
        break;
      case State::Executed: break;
      case State::Response:
        if (resp_pos_ < resp_.size()) s |= MCTPM_TPM_STS_DATA_AVAIL | (burst << 8);
        break;
    }
    return s;
  }
  size_t declared_size() const {
    return (size_t(cmd_[2]) << 24) | (size_t(cmd_[3]) << 16) | (size_t(cmd_[4]) << 8) | cmd_[5];
  }
  uint8_t read_byte(uint16_t off) {
    if (off == MCTPM_TPM_ACCESS)
      return MCTPM_TPM_ACCESS_VALID | MCTPM_TPM_ACCESS_ESTABLISHMENT | (int(locality_) == active ? MCTPM_TPM_ACCESS_ACTIVE : 0);
    if (off >= MCTPM_TPM_STS && off < MCTPM_TPM_STS + 4) return uint8_t(sts() >> (8 * (off - MCTPM_TPM_STS)));
    if (off == MCTPM_TPM_DATA_FIFO && int(locality_) == active && state_ == State::Response &&
        resp_pos_ < resp_.size())
      return resp_[resp_pos_++];
    return 0xFF;
  }
  void write_bytes(const uint8_t* p, size_t n) {
    if (offset_ == MCTPM_TPM_ACCESS) {
      if (p[0] & MCTPM_TPM_ACCESS_REQUEST_USE) {
        requests.push_back(int(locality_));
        if (active < 0) active = int(locality_);
      }
      if ((p[0] & MCTPM_TPM_ACCESS_ACTIVE) && int(locality_) == active) {
        relinquished.push_back(active);
        active = -1;
      }
      return;
    }
    if (int(locality_) != active) return;
    if (offset_ == MCTPM_TPM_STS) {
      if (p[0] & MCTPM_TPM_STS_COMMAND_READY) {
        if (state_ != State::Idle && state_ != State::Ready) ++aborts;
        state_ = State::Ready;
        cmd_.clear();
        resp_.clear();
        resp_pos_ = 0;
      }
      if ((p[0] & MCTPM_TPM_STS_GO) && state_ == State::Receiving && !(sts() & MCTPM_TPM_STS_EXPECT)) {
        received = cmd_;
        state_ = State::Executed;
        if (respond) {
          // Response: tag 0x8001, size, rc 0, then the command reversed.
          resp_ = {0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0};
          resp_.insert(resp_.end(), cmd_.rbegin(), cmd_.rend());
          const size_t size = resp_.size();
          resp_[2] = uint8_t(size >> 24);
          resp_[3] = uint8_t(size >> 16);
          resp_[4] = uint8_t(size >> 8);
          resp_[5] = uint8_t(size);
          resp_.insert(resp_.end(), size_t(extra_response_bytes), 0xEE);
          state_ = State::Response;
        }
      }
      return;
    }
    if (offset_ == MCTPM_TPM_DATA_FIFO && (state_ == State::Ready || state_ == State::Receiving)) {
      if (n > burst) throw std::logic_error("host wrote more than burstCount");
      state_ = State::Receiving;
      cmd_.insert(cmd_.end(), p, p + n);
      // Like tpm_tis, the host sends the last byte alone to see Expect drop.
      if (cmd_.size() >= 6 && cmd_.size() == declared_size() && n != 1) last_byte_not_alone = true;
    }
  }

  Phase phase_ = Phase::Header;
  bool is_read_ = false;
  uint32_t size_ = 0, locality_ = 0, offset_ = 0;
  unsigned waits_left_ = 0;
  State state_ = State::Idle;
  Bytes cmd_, resp_;
  size_t resp_pos_ = 0;
  uint64_t now_ = 0;
};

Bytes command(size_t size) {
  Bytes c(size);
  for (size_t i = 0; i < size; ++i) c[i] = uint8_t(i * 13 + 1);
  c[0] = 0x80;
  c[1] = 0x01;
  c[2] = uint8_t(size >> 24);
  c[3] = uint8_t(size >> 16);
  c[4] = uint8_t(size >> 8);
  c[5] = uint8_t(size);
  return c;
}

Bytes expected_response(const Bytes& cmd) {
  Bytes r = {0x80, 0x01, 0, 0, 0, uint8_t(10 + cmd.size()), 0, 0, 0, 0};
  r.resize(10 + cmd.size());
  std::reverse_copy(cmd.begin(), cmd.end(), r.begin() + 10);
  return r;
}

mctpm::TpmSpi::Options short_timeouts() {
  mctpm::TpmSpi::Options o;
  o.command_timeout_us = 50000;
  o.timeout_a_us = o.timeout_b_us = o.timeout_c_us = o.timeout_d_us = 50000;
  return o;
}

TEST(TpmSpiTransmit, SendsTheWholeCommandAndReturnsTheWholeResponse) {
  for (size_t size : {10, 11, 12, 64, 65, 100, 200}) {
    FakeChip chip;
    mctpm::TpmSpi spi(chip, short_timeouts());
    const Bytes cmd = command(size);
    EXPECT_EQ(spi.transmit(0, cmd), expected_response(cmd)) << "size " << size;
    EXPECT_EQ(chip.received, cmd);
    EXPECT_EQ(chip.requests, std::vector<int>{0});
    EXPECT_FALSE(chip.last_byte_not_alone) << "size " << size;
  }
}

TEST(TpmSpiTransmit, WorksWithSeveralWaitStatesAndBurstCountOfOne) {
  FakeChip chip;
  chip.wait_states = 3;
  chip.burst = 1;
  mctpm::TpmSpi spi(chip, short_timeouts());
  const Bytes cmd = command(30);
  EXPECT_EQ(spi.transmit(0, cmd), expected_response(cmd));
  EXPECT_EQ(chip.received, cmd);
}

TEST(TpmSpiTransmit, WorksWithoutWaitStatesAndWith64ByteBursts) {
  FakeChip chip;
  chip.wait_states = 0;
  chip.burst = 64;
  mctpm::TpmSpi spi(chip, short_timeouts());
  const Bytes cmd = command(150);
  EXPECT_EQ(spi.transmit(0, cmd), expected_response(cmd));
}

TEST(TpmSpiTransmit, SwitchingLocalityRelinquishesTheOldOne) {
  FakeChip chip;
  mctpm::TpmSpi spi(chip, short_timeouts());
  spi.transmit(0, command(12));
  spi.transmit(0, command(12));
  spi.transmit(3, command(12));
  EXPECT_EQ(chip.requests, (std::vector<int>{0, 3}));
  EXPECT_EQ(chip.relinquished, std::vector<int>{0});
  EXPECT_EQ(chip.active, 3);
}

TEST(TpmSpiTransmit, ExpectStillSetAfterLastByteIsAProtocolErrorAndAborts) {
  FakeChip chip;
  chip.expect_extra = 1;
  mctpm::TpmSpi spi(chip, short_timeouts());
  try {
    spi.transmit(0, command(20));
    FAIL() << "accepted a TPM that still expects data";
  } catch (const mctpm::Error& e) {
    EXPECT_EQ(e.kind(), mctpm::Error::Kind::Protocol);
    EXPECT_NE(std::string(e.what()).find("still expects"), std::string::npos) << e.what();
  }
  EXPECT_EQ(chip.aborts, 1);
}

TEST(TpmSpiTransmit, NoDataAvailWithinCommandTimeoutIsATimeout) {
  FakeChip chip;
  chip.respond = false;
  mctpm::TpmSpi spi(chip, short_timeouts());
  try {
    spi.transmit(0, command(12));
    FAIL() << "no timeout";
  } catch (const mctpm::Error& e) {
    EXPECT_EQ(e.kind(), mctpm::Error::Kind::Timeout);
    EXPECT_NE(std::string(e.what()).find("dataAvail"), std::string::npos) << e.what();
  }
}

TEST(TpmSpiTransmit, DataLeftAfterTheDeclaredResponseSizeIsAProtocolError) {
  FakeChip chip;
  chip.extra_response_bytes = 2;
  mctpm::TpmSpi spi(chip, short_timeouts());
  try {
    spi.transmit(0, command(12));
    FAIL() << "extra response bytes accepted";
  } catch (const mctpm::Error& e) {
    EXPECT_EQ(e.kind(), mctpm::Error::Kind::Protocol);
    EXPECT_NE(std::string(e.what()).find("still has data"), std::string::npos) << e.what();
  }
}

TEST(TpmSpiTransmit, CommandWhoseSizeFieldDisagreesIsRefusedBeforeTheBus) {
  FakeChip chip;
  mctpm::TpmSpi spi(chip, short_timeouts());
  Bytes cmd = command(12);
  cmd[5] = 13;
  EXPECT_THROW(spi.transmit(0, cmd), mctpm::Error);
  EXPECT_THROW(spi.transmit(0, Bytes(9, 0)), mctpm::Error);
  EXPECT_TRUE(chip.requests.empty());
}

}  // namespace
