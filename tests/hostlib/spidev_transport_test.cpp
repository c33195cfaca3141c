// Linux spidev backend without a device: the spi_ioc_transfer arrays (CS kept
// across a frame's transfers, dropped on release), the URI grammar, and a TPM
// session whose arrays are replayed with the SPI core's CS rules into the
// Verilated chip.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "chip_session.h"
#include "mctpm/error.h"
#include "mctpm/sim_transport.h"
#include "mctpm/spidev_transport.h"
#include "mctpm/transport.h"
#include "sim_process.h"
#include "spidev_interpreter.h"

namespace {

using mctpm::Error;
using mctpm::SpidevTransport;
using Bytes = std::vector<uint8_t>;

TEST(SpidevMessage, OneTransferKeepsCsAssertedAfterTheMessage) {
  const uint8_t tx[4] = {0x83, 0xD4, 0x0F, 0x00};
  uint8_t rx[4];
  const auto m = mctpm::spidev_transfer_message(tx, rx, 4, 10000000);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].tx_buf, reinterpret_cast<uintptr_t>(tx));
  EXPECT_EQ(m[0].rx_buf, reinterpret_cast<uintptr_t>(rx));
  EXPECT_EQ(m[0].len, 4u);
  EXPECT_EQ(m[0].speed_hz, 10000000u);
  EXPECT_EQ(m[0].bits_per_word, 8);
  EXPECT_EQ(m[0].cs_change, 1);  // last transfer: CS stays low for the wait polls and data
  EXPECT_EQ(m[0].delay_usecs, 0);
}

TEST(SpidevMessage, LongTransfersSplitAtBufsizWithCsHeldBetweenTheParts) {
  Bytes tx(10000), rx(10000);
  const auto m = mctpm::spidev_transfer_message(tx.data(), rx.data(), tx.size(), 1000000, 4096);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].len, 4096u);
  EXPECT_EQ(m[1].len, 4096u);
  EXPECT_EQ(m[2].len, 10000u - 8192u);
  EXPECT_EQ(m[1].tx_buf, reinterpret_cast<uintptr_t>(tx.data() + 4096));
  EXPECT_EQ(m[2].rx_buf, reinterpret_cast<uintptr_t>(rx.data() + 8192));
  EXPECT_EQ(m[0].cs_change, 0);  // not last: 1 would pulse CS between the parts
  EXPECT_EQ(m[1].cs_change, 0);
  EXPECT_EQ(m[2].cs_change, 1);
}

TEST(SpidevMessage, ReleaseIsOneZeroLengthTransferThatEndsWithCsDeasserted) {
  const auto m = mctpm::spidev_release_message(2000000);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].len, 0u);
  EXPECT_EQ(m[0].tx_buf, 0u);
  EXPECT_EQ(m[0].rx_buf, 0u);
  EXPECT_EQ(m[0].cs_change, 0);
  EXPECT_EQ(m[0].speed_hz, 2000000u);
}

// Records the messages (copied, with the tx bytes) and fills rx with a pattern.
class RecordingPort : public mctpm::SpidevPort {
 public:
  struct Message {
    std::vector<spi_ioc_transfer> xfers;
    std::vector<Bytes> tx;
  };
  void message(std::vector<spi_ioc_transfer>& xfers) override {
    Message m{xfers, {}};
    for (auto& x : xfers) {
      const auto* tx = reinterpret_cast<const uint8_t*>(uintptr_t(x.tx_buf));
      m.tx.push_back(x.len ? Bytes(tx, tx + x.len) : Bytes{});
      if (x.len) std::fill_n(reinterpret_cast<uint8_t*>(uintptr_t(x.rx_buf)), x.len, 0x5A);
    }
    log.push_back(m);
  }
  std::string describe() const override { return "recording"; }
  std::vector<Message> log;
};

TEST(SpidevTransport, EachTransferIsOneMessageAndOnlyAnAssertedCsIsReleased) {
  auto port = std::make_unique<RecordingPort>();
  auto* rec = port.get();
  mctpm::SpidevConfig c;
  c.path = "/dev/spidev9.9";
  c.freq_hz = 5000000;
  SpidevTransport t(std::move(port), c);
  t.release();  // nothing asserted: no message, so no CS pulse
  EXPECT_TRUE(rec->log.empty());
  const uint8_t hdr[4] = {0x03, 0xD4, 0x00, 0x18};
  uint8_t miso[4] = {};
  t.transfer(hdr, miso, 4);
  EXPECT_EQ(miso[0], 0x5A);
  const uint8_t data = 0x40;
  uint8_t r;
  t.transfer(&data, &r, 1);
  t.release();
  ASSERT_EQ(rec->log.size(), 3u);
  EXPECT_EQ(rec->log[0].tx[0], Bytes(hdr, hdr + 4));
  EXPECT_EQ(rec->log[0].xfers.back().cs_change, 1);
  EXPECT_EQ(rec->log[1].tx[0], Bytes{0x40});
  EXPECT_EQ(rec->log[1].xfers.back().cs_change, 1);
  EXPECT_EQ(rec->log[2].xfers.size(), 1u);
  EXPECT_EQ(rec->log[2].xfers[0].len, 0u);
  EXPECT_EQ(rec->log[2].xfers[0].cs_change, 0);
  for (const auto& m : rec->log) EXPECT_EQ(m.xfers[0].speed_hz, 5000000u);
}

TEST(SpidevUri, PathAndFrequency) {
  const auto a = mctpm::parse_spidev_uri("spidev:/dev/spidev0.0");
  EXPECT_EQ(a.path, "/dev/spidev0.0");
  EXPECT_EQ(a.freq_hz, 1000000u);
  const auto b = mctpm::parse_spidev_uri("spidev:/dev/spidev1.2,freq=12M");
  EXPECT_EQ(b.path, "/dev/spidev1.2");
  EXPECT_EQ(b.freq_hz, 12000000u);
  for (const char* bad : {"spidev:", "spidev:,freq=1M", "spidev:/dev/spidev0.0,freq=", "spidev:/dev/spidev0.0,freq=x",
                          "spidev:/dev/spidev0.0,mode=3", "spidev:/dev/spidev0.0,"}) {
    try {
      mctpm::parse_spidev_uri(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), Error::Kind::Usage) << bad;
    }
  }
}

TEST(SpidevTransport, AMissingDeviceIsAnIoErrorNamingThePath) {
  try {
    mctpm::open_transport("spidev:/nonexistent/spidev7.7");
    ADD_FAILURE() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::Io);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/spidev7.7"), std::string::npos) << e.what();
  }
}

TEST(SpidevTransportOnChip, TpmSessionThroughIoctlArraysReachesTheVerilatedChip) {
  mctpm_test::SimProcess sim;
  mctpm::SimTransport chip("127.0.0.1", sim.port());
  const auto config = mctpm::parse_spidev_uri("spidev:/dev/spidev0.0,freq=8M");
  auto port = std::make_unique<mctpm_test::SpidevInterpreter>(chip, config.freq_hz);
  const auto* kernel = port.get();
  SpidevTransport spi(std::move(port), config);

  mctpm_test::run_chip_session(spi);

  EXPECT_FALSE(kernel->cs_low());
  ASSERT_FALSE(kernel->mosi_frames().empty());
  const auto& first = kernel->mosi_frames().front();
  ASSERT_GE(first.size(), 8u);
  EXPECT_EQ(Bytes(first.begin(), first.begin() + 4), mctpm_test::did_vid_read_header());
  EXPECT_GT(kernel->messages(), kernel->mosi_frames().size());  // frames span several messages
}

}  // namespace
