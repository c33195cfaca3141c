// FTDI MPSSE backend without a board: the command encoding byte by byte, the
// URI grammar, the USB packet framing, and a TPM session whose MPSSE bytes are
// executed by an MPSSE interpreter wired to the Verilated chip.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "chip_session.h"
#include "mctpm/error.h"
#include "mctpm/ftdi_transport.h"
#include "mctpm/sim_transport.h"
#include "mctpm/transport.h"
#include "mpsse_interpreter.h"
#include "sim_process.h"

namespace {

using mctpm::Error;
using mctpm::FtdiConfig;
using mctpm::FtdiTransport;
using mctpm::MpsseEncoder;
using Bytes = std::vector<uint8_t>;

TEST(MpsseEncoder, SetupDisablesDivBy5AdaptiveAnd3PhaseSetsDivisorPinsAndLoopbackOff) {
  const MpsseEncoder e(10000000, 3);
  // 60 MHz / ((1 + 2) * 2) = 10 MHz; GPIO: CS (ADBUS3) high, SCK+MOSI+CS out.
  EXPECT_EQ(e.setup(), (Bytes{0x8A, 0x97, 0x8D, 0x86, 0x02, 0x00, 0x80, 0x08, 0x0B, 0x85}));
  EXPECT_EQ(e.sck_hz(), 10000000u);
}

TEST(MpsseEncoder, DivisorGivesTheFastestClockNotAboveTheRequestedOne) {
  EXPECT_EQ(MpsseEncoder::divisor_for(30000000), 0);
  EXPECT_EQ(MpsseEncoder::divisor_for(1000000), 29);
  EXPECT_EQ(MpsseEncoder::divisor_for(7000000), 4);  // 6 MHz, not 7.5 MHz
  EXPECT_EQ(MpsseEncoder(7000000, 3).sck_hz(), 6000000u);
  EXPECT_EQ(MpsseEncoder::divisor_for(458), 65502);
  EXPECT_EQ(MpsseEncoder(300000, 3).setup()[4], 99);  // 30 MHz / 100
  EXPECT_THROW(MpsseEncoder(457, 3), Error);
  EXPECT_THROW(MpsseEncoder(30000001, 3), Error);
  EXPECT_THROW(MpsseEncoder(1000000, 2), Error);  // ADBUS2 is MISO
}

TEST(MpsseEncoder, CsAssertAndReleaseDriveOnlyTheChosenPin) {
  const MpsseEncoder e(1000000, 5);
  EXPECT_EQ(e.cs_assert(), (Bytes{0x80, 0x00, 0x23}));
  EXPECT_EQ(e.cs_release(), (Bytes{0x80, 0x20, 0x23}));
}

TEST(MpsseEncoder, TransferClocksOutOnFallingInOnRisingMsbFirstThenSendsImmediate) {
  const MpsseEncoder e(1000000, 3);
  const Bytes mosi = {0x83, 0xD4, 0x0F, 0x00};
  const auto t = e.transfer(mosi.data(), mosi.size());
  EXPECT_EQ(t.bytes, (Bytes{0x31, 0x03, 0x00, 0x83, 0xD4, 0x0F, 0x00, 0x87}));
  EXPECT_EQ(t.read_len, 4u);
  const uint8_t one = 0x5A;
  EXPECT_EQ(e.transfer(&one, 1).bytes, (Bytes{0x31, 0x00, 0x00, 0x5A, 0x87}));
}

TEST(MpsseEncoder, TransfersLongerThan64KiBSplitIntoSeveralClockCommands) {
  const MpsseEncoder e(1000000, 3);
  Bytes mosi(65536 + 10);
  for (size_t i = 0; i < mosi.size(); ++i) mosi[i] = uint8_t(i * 7);
  const auto t = e.transfer(mosi.data(), mosi.size());
  ASSERT_EQ(t.bytes.size(), 3 + 65536 + 3 + 10 + 1u);
  EXPECT_EQ(t.read_len, mosi.size());
  EXPECT_EQ((Bytes{t.bytes[0], t.bytes[1], t.bytes[2]}), (Bytes{0x31, 0xFF, 0xFF}));
  EXPECT_EQ((Bytes{t.bytes[3 + 65536], t.bytes[3 + 65537], t.bytes[3 + 65538]}), (Bytes{0x31, 0x09, 0x00}));
  EXPECT_TRUE(std::equal(mosi.begin(), mosi.begin() + 65536, t.bytes.begin() + 3));
  EXPECT_TRUE(std::equal(mosi.begin() + 65536, mosi.end(), t.bytes.begin() + 3 + 65536 + 3));
  EXPECT_EQ(t.bytes.back(), 0x87);
}

TEST(FtdiUsbFraming, ModemStatusBytesAreStrippedFromEveryPacket) {
  for (size_t packet : {size_t(64), size_t(512)}) {
    Bytes wire, want;
    for (size_t p = 0; p < 3; ++p) {
      const size_t payload = p < 2 ? packet - 2 : 5;  // the last packet is short
      wire.push_back(0x32);
      wire.push_back(0x60);
      for (size_t i = 0; i < payload; ++i) {
        wire.push_back(uint8_t(p * 100 + i));
        want.push_back(uint8_t(p * 100 + i));
      }
    }
    EXPECT_EQ(mctpm::strip_modem_status(wire.data(), wire.size(), packet), want) << packet;
  }
  const Bytes status_only = {0x32, 0x60};
  EXPECT_TRUE(mctpm::strip_modem_status(status_only.data(), status_only.size(), 512).empty());
}

TEST(FtdiUri, DefaultsAndEveryOption) {
  const FtdiConfig d = mctpm::parse_ftdi_uri("ftdi:");
  EXPECT_FALSE(d.has_id);
  EXPECT_EQ(d.channel, 'A');
  EXPECT_EQ(d.freq_hz, 1000000u);
  EXPECT_EQ(d.cs_bit, 3u);
  EXPECT_TRUE(d.serial.empty());

  const FtdiConfig c = mctpm::parse_ftdi_uri("ftdi:0x0403:6010,interface=B,serial=FT4XYZ,freq=15M,cs=ADBUS4");
  EXPECT_TRUE(c.has_id);
  EXPECT_EQ(c.vid, 0x0403);
  EXPECT_EQ(c.pid, 0x6010);
  EXPECT_EQ(c.channel, 'B');
  EXPECT_EQ(c.serial, "FT4XYZ");
  EXPECT_EQ(c.freq_hz, 15000000u);
  EXPECT_EQ(c.cs_bit, 4u);
  EXPECT_EQ(mctpm::parse_ftdi_uri("ftdi:freq=250k").freq_hz, 250000u);
}

TEST(FtdiUri, MalformedUrisAreUsageErrors) {
  for (const char* bad : {"ftdi:zz:6014", "ftdi:0403", "ftdi:interface=E", "ftdi:cs=ADBUS2", "ftdi:cs=ACBUS3",
                          "ftdi:freq=31M", "ftdi:freq=100", "ftdi:freq=fast", "ftdi:speed=1M",
                          "ftdi:freq=1M,0403:6014", "ftdi:0403:6014,", "ftdi:serial="}) {
    try {
      mctpm::parse_ftdi_uri(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), Error::Kind::Usage) << bad;
    }
  }
  // open_transport parses before it touches USB.
  try {
    mctpm::open_transport("ftdi:interface=Q");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::Usage);
  }
}

// Records the USB writes; answers the sync probe and then `miso` per transfer.
class RecordingLink : public mctpm::MpsseLink {
 public:
  explicit RecordingLink(std::vector<Bytes>* writes, Bytes sync = MpsseEncoder::sync_reply())
      : writes_(writes), sync_(sync) {}
  void write(const Bytes& b) override { writes_->push_back(b); }
  Bytes read(size_t n) override {
    if (!synced_) {
      synced_ = true;
      return sync_;
    }
    return Bytes(n, 0xA5);
  }
  std::string describe() const override { return "recording"; }

 private:
  std::vector<Bytes>* writes_;
  Bytes sync_;
  bool synced_ = false;
};

TEST(FtdiTransport, SyncsThenSetsUpThenAssertsCsOncePerFrameAndReleasesIt) {
  std::vector<Bytes> w;
  FtdiConfig c;
  c.freq_hz = 10000000;
  FtdiTransport t(std::make_unique<RecordingLink>(&w), c);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], (Bytes{0xAA}));
  EXPECT_EQ(w[1], MpsseEncoder(10000000, 3).setup());

  const uint8_t hdr[4] = {0x83, 0xD4, 0x0F, 0x00};
  uint8_t miso[4] = {};
  t.transfer(hdr, miso, 4);
  EXPECT_EQ(w.back(), (Bytes{0x80, 0x00, 0x0B, 0x31, 0x03, 0x00, 0x83, 0xD4, 0x0F, 0x00, 0x87}));
  EXPECT_EQ(miso[3], 0xA5);
  const uint8_t poll = 0;
  uint8_t r = 0;
  t.transfer(&poll, &r, 1);  // same frame: no CS command
  EXPECT_EQ(w.back(), (Bytes{0x31, 0x00, 0x00, 0x00, 0x87}));
  t.release();
  EXPECT_EQ(w.back(), (Bytes{0x80, 0x08, 0x0B}));
  const size_t n = w.size();
  t.release();  // already released: nothing on the wire
  EXPECT_EQ(w.size(), n);
}

TEST(FtdiTransport, AnEngineThatDoesNotAnswerTheSyncProbeIsAProtocolError) {
  std::vector<Bytes> w;
  try {
    FtdiTransport t(std::make_unique<RecordingLink>(&w, Bytes{0x00, 0x00}), FtdiConfig{});
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::Protocol);
  }
}

TEST(FtdiTransportOnChip, TpmSessionThroughMpsseBytesReachesTheVerilatedChip) {
  mctpm_test::SimProcess sim;
  mctpm::SimTransport chip("127.0.0.1", sim.port());
  auto link = std::make_unique<mctpm_test::MpsseInterpreter>(chip, 4);
  const auto* engine = link.get();
  FtdiTransport ftdi(std::move(link), mctpm::parse_ftdi_uri("ftdi:freq=10M,cs=ADBUS4"));

  mctpm_test::run_chip_session(ftdi);

  EXPECT_EQ(engine->sck_hz(), 10000000u);
  EXPECT_FALSE(engine->cs_low());
  ASSERT_FALSE(engine->mosi_frames().empty());
  const auto& first = engine->mosi_frames().front();
  ASSERT_GE(first.size(), 8u);
  EXPECT_EQ(Bytes(first.begin(), first.begin() + 4), mctpm_test::did_vid_read_header());
  EXPECT_GT(engine->frames(), 10u);
}

}  // namespace
