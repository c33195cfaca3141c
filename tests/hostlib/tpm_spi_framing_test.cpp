// Golden SPI transcripts for TpmSpi: a scripted Transport checks every byte
// TpmSpi clocks, as a real transport would put it on the wire.
#include <gtest/gtest.h>

#include <deque>
#include <stdexcept>
#include <vector>

#include "mctpm/error.h"
#include "mctpm/tpm_spi.h"
#include "tpm_spi_regs.h"

namespace {

using Bytes = std::vector<uint8_t>;

class ScriptedTransport : public mctpm::Transport {
 public:
  void expect_xfer(Bytes mosi, Bytes miso) { script_.push_back({Step::Xfer, std::move(mosi), std::move(miso)}); }
  void expect_release() { script_.push_back({Step::Release, {}, {}}); }
  bool done() const { return script_.empty(); }
  size_t remaining() const { return script_.size(); }

  void transfer(const uint8_t* mosi, uint8_t* miso, size_t n) override {
    const Step s = next(Step::Xfer, "transfer");
    EXPECT_EQ(Bytes(mosi, mosi + n), s.mosi) << "MOSI of transfer #" << count_;
    if (s.miso.size() != n) throw std::logic_error("script: MISO length differs from the transfer length");
    std::copy(s.miso.begin(), s.miso.end(), miso);
  }
  void release() override { next(Step::Release, "release"); }
  void wait_us(uint32_t us) override { now_ += us; }
  uint64_t now_us() override { return now_ += 1000; }
  std::string describe() const override { return "scripted"; }

 private:
  struct Step {
    enum Type { Xfer, Release } type;
    Bytes mosi, miso;
  };
  Step next(Step::Type type, const char* what) {
    ++count_;
    if (script_.empty()) {
      ADD_FAILURE() << "unexpected " << what << " after the end of the script";
      throw std::logic_error("script ended");
    }
    Step s = script_.front();
    script_.pop_front();
    if (s.type != type) {
      ADD_FAILURE() << "step #" << count_ << ": got " << what << ", script expected the other kind";
      throw std::logic_error("script mismatch");
    }
    return s;
  }
  std::deque<Step> script_;
  uint64_t now_ = 0;
  int count_ = 0;
};

// The PTP header, written out from the specification rather than from the
// code under test: bit 7 read, size-1 in 5:0, address 0xD4_0000 + locality<<12 + offset.
Bytes header(bool read, uint8_t locality, uint16_t offset, size_t n) {
  return {uint8_t((read ? 0x80 : 0x00) | (n - 1)), 0xD4, uint8_t((locality << 4) | (offset >> 8)),
          uint8_t(offset & 0xFF)};
}
const Bytes kReady = {0x00, 0x00, 0x00, 0x01};    // bit 0 set with the last address byte: no wait
const Bytes kWaiting = {0x00, 0x00, 0x00, 0x00};  // bit 0 clear: wait state

Bytes pattern(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = uint8_t(seed + i * 7);
  return b;
}

TEST(TpmSpiFraming, ReadHeaderIsExactForEveryLocalityAndSize) {
  for (uint8_t loc = 0; loc < 5; ++loc) {
    for (size_t n = 1; n <= 64; ++n) {
      ScriptedTransport t;
      const Bytes data = pattern(n, uint8_t(loc + n));
      t.expect_xfer(header(true, loc, MCTPM_TPM_DATA_FIFO, n), kReady);
      t.expect_xfer(Bytes(n, 0x00), data);
      t.expect_release();
      mctpm::TpmSpi spi(t);
      Bytes out(n);
      spi.read(loc, MCTPM_TPM_DATA_FIFO, out.data(), n);
      EXPECT_EQ(out, data) << "locality " << int(loc) << " size " << n;
      EXPECT_TRUE(t.done());
    }
  }
}

TEST(TpmSpiFraming, WriteHeaderIsExactForEveryLocalityAndSize) {
  for (uint8_t loc = 0; loc < 5; ++loc) {
    for (size_t n = 1; n <= 64; ++n) {
      ScriptedTransport t;
      const Bytes data = pattern(n, uint8_t(3 * loc + n));
      t.expect_xfer(header(false, loc, MCTPM_TPM_DATA_FIFO, n), kReady);
      t.expect_xfer(data, Bytes(n, 0xFF));
      t.expect_release();
      mctpm::TpmSpi spi(t);
      spi.write(loc, MCTPM_TPM_DATA_FIFO, data.data(), n);
      EXPECT_TRUE(t.done()) << "locality " << int(loc) << " size " << n;
    }
  }
}

TEST(TpmSpiFraming, GoldenRead32OfStsInLocality3IsLittleEndian) {
  ScriptedTransport t;
  t.expect_xfer({0x83, 0xD4, 0x30, 0x18}, kReady);
  t.expect_xfer({0, 0, 0, 0}, {0xC0, 0x40, 0x00, 0x04});
  t.expect_release();
  mctpm::TpmSpi spi(t);
  EXPECT_EQ(spi.read32(3, MCTPM_TPM_STS), 0x040040C0u);
  EXPECT_TRUE(t.done());
}

TEST(TpmSpiFraming, GoldenWrite8OfAccessInLocality2) {
  ScriptedTransport t;
  t.expect_xfer({0x00, 0xD4, 0x20, 0x00}, kReady);
  t.expect_xfer({0x02}, {0xFF});
  t.expect_release();
  mctpm::TpmSpi spi(t);
  spi.write8(2, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_REQUEST_USE);
  EXPECT_TRUE(t.done());
}

TEST(TpmSpiFraming, GoldenWrite32OfDidVidAddressUsesTwelveBitOffset) {
  ScriptedTransport t;
  t.expect_xfer({0x03, 0xD4, 0x4F, 0x00}, kReady);
  t.expect_xfer({0x78, 0x56, 0x34, 0x12}, {0, 0, 0, 0});
  t.expect_release();
  mctpm::TpmSpi spi(t);
  spi.write32(4, MCTPM_TPM_DID_VID, 0x12345678u);
  EXPECT_TRUE(t.done());
}

TEST(TpmSpiFraming, LongReadIsSplitInto64ByteFramesAtTheSameAddress) {
  ScriptedTransport t;
  const Bytes data = pattern(150, 1);
  size_t at = 0;
  for (size_t n : {64, 64, 22}) {
    t.expect_xfer(header(true, 1, MCTPM_TPM_DATA_FIFO, n), kReady);
    t.expect_xfer(Bytes(n, 0), Bytes(data.begin() + at, data.begin() + at + n));
    t.expect_release();
    at += n;
  }
  mctpm::TpmSpi spi(t);
  Bytes out(150);
  spi.read(1, MCTPM_TPM_DATA_FIFO, out.data(), out.size());
  EXPECT_EQ(out, data);
  EXPECT_TRUE(t.done());
}

TEST(TpmSpiFraming, LongWriteIsSplitInto64ByteFramesAtTheSameAddress) {
  ScriptedTransport t;
  const Bytes data = pattern(130, 9);
  size_t at = 0;
  for (size_t n : {64, 64, 2}) {
    t.expect_xfer(header(false, 0, MCTPM_TPM_DATA_FIFO, n), kReady);
    t.expect_xfer(Bytes(data.begin() + at, data.begin() + at + n), Bytes(n, 0));
    t.expect_release();
    at += n;
  }
  mctpm::TpmSpi spi(t);
  spi.write(0, MCTPM_TPM_DATA_FIFO, data.data(), data.size());
  EXPECT_TRUE(t.done());
}

TEST(TpmSpiFraming, OneWaitStateIsPolledWithOneZeroByteInTheSameTransaction) {
  ScriptedTransport t;
  t.expect_xfer(header(true, 0, MCTPM_TPM_ACCESS, 1), kWaiting);
  t.expect_xfer({0x00}, {0x01});
  t.expect_xfer({0x00}, {0xA1});
  t.expect_release();
  mctpm::TpmSpi spi(t);
  EXPECT_EQ(spi.read8(0, MCTPM_TPM_ACCESS), 0xA1);
  EXPECT_TRUE(t.done());
}

TEST(TpmSpiFraming, SeveralWaitStatesArePolledUntilBit0IsSet) {
  ScriptedTransport t;
  const Bytes data = pattern(8, 5);
  t.expect_xfer(header(false, 2, MCTPM_TPM_DATA_FIFO, 8), kWaiting);
  t.expect_xfer({0x00}, {0x00});
  t.expect_xfer({0x00}, {0xFE});  // only bit 0 counts
  t.expect_xfer({0x00}, {0x00});
  t.expect_xfer({0x00}, {0x01});
  t.expect_xfer(data, Bytes(8, 0));
  t.expect_release();
  mctpm::TpmSpi spi(t);
  spi.write(2, MCTPM_TPM_DATA_FIFO, data.data(), data.size());
  EXPECT_TRUE(t.done());
}

TEST(TpmSpiFraming, GivesUpAfterMaxWaitPollsWithTimeoutAndEndsTheTransaction) {
  ScriptedTransport t;
  t.expect_xfer(header(true, 0, MCTPM_TPM_STS, 4), kWaiting);
  for (int i = 0; i < 5; ++i) t.expect_xfer({0x00}, {0x00});
  t.expect_release();
  mctpm::TpmSpi::Options o;
  o.max_wait_polls = 5;
  mctpm::TpmSpi spi(t, o);
  try {
    spi.read32(0, MCTPM_TPM_STS);
    FAIL() << "no error after max_wait_polls";
  } catch (const mctpm::Error& e) {
    EXPECT_EQ(e.kind(), mctpm::Error::Kind::Timeout);
    EXPECT_NE(std::string(e.what()).find("wait state"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(t.done());
}

TEST(TpmSpiFraming, DefaultGivesUpAfter50Polls) {
  ScriptedTransport t;
  t.expect_xfer(header(true, 0, MCTPM_TPM_STS, 1), kWaiting);
  for (int i = 0; i < 50; ++i) t.expect_xfer({0x00}, {0x00});
  t.expect_release();
  mctpm::TpmSpi spi(t);
  EXPECT_THROW(spi.read8(0, MCTPM_TPM_STS), mctpm::Error);
  EXPECT_TRUE(t.done());
}

TEST(TpmSpiFraming, LocalityOutOfRangeIsRefusedWithoutTouchingTheBus) {
  ScriptedTransport t;
  mctpm::TpmSpi spi(t);
  try {
    spi.read8(5, MCTPM_TPM_ACCESS);
    FAIL() << "locality 5 accepted";
  } catch (const mctpm::Error& e) {
    EXPECT_EQ(e.kind(), mctpm::Error::Kind::Usage);
  }
}

}  // namespace
