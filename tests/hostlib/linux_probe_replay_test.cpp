// Linux's tpm_tis_core probe, register by register, against the Verilated
// chip over SimTransport: what a kernel with tpm_tis_spi would do when it
// finds the chip (drivers/char/tpm/tpm_tis_core.c, tpm_tis_core_init,
// tpm2_probe, tpm2_auto_startup; polling mode, no IRQ). The FIFO traffic is
// Linux's own order (tpm_tis_send_data / tpm_tis_recv), written out here rather
// than taken from TpmSpi::transmit, so the chip is checked against the kernel
// and not against our library's reading of the spec.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mctpm/error.h"
#include "mctpm/sim_transport.h"
#include "mctpm/tpm_spi.h"
#include "sim_process.h"
#include "tpm_spi_regs.h"

namespace {

using Bytes = std::vector<uint8_t>;

// Linux's TIS timeouts (TIS_TIMEOUT_*_MAX), in device time: SimTransport's
// clock is the simulated one.
constexpr uint32_t kTimeoutA = 750000, kTimeoutB = 2000000, kTimeoutC = 200000, kTimeoutD = 30000;
constexpr uint32_t kCommandDuration = 120000000;  // TPM2_DURATION_LONG_LONG upper bound
constexpr uint32_t kPollUs = 100;                 // TPM_TIMEOUT_USECS_MIN
constexpr uint16_t kStNoSessions = 0x8001;
constexpr uint32_t kRcInitialize = 0x100;

uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }

class LinuxTis {
 public:
  explicit LinuxTis(mctpm::SimTransport& t) : t_(t), spi_(t) {}

  mctpm::TpmSpi& spi() { return spi_; }

  void poll(const std::function<bool()>& done, uint32_t timeout_us, const std::string& what) {
    const uint64_t end = t_.now_us() + timeout_us;
    while (!done()) {
      if (t_.now_us() > end) throw mctpm::Error(mctpm::Error::Kind::Timeout, "timed out waiting for " + what);
      t_.wait_us(kPollUs);
    }
  }

  // wait_startup: tpmRegValidSts in ACCESS.
  void wait_startup() {
    poll([&] { return (spi_.read8(0, MCTPM_TPM_ACCESS) & MCTPM_TPM_ACCESS_VALID) != 0; }, kTimeoutA,
         "ACCESS.tpmRegValidSts");
  }

  bool check_locality(uint8_t l) {
    const uint8_t a = spi_.read8(l, MCTPM_TPM_ACCESS);
    const uint8_t m = MCTPM_TPM_ACCESS_ACTIVE | MCTPM_TPM_ACCESS_VALID | MCTPM_TPM_ACCESS_REQUEST_USE;
    return (a & m) == (MCTPM_TPM_ACCESS_ACTIVE | MCTPM_TPM_ACCESS_VALID);
  }

  void request_locality(uint8_t l) {
    if (check_locality(l)) return;
    spi_.write8(l, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_REQUEST_USE);
    poll([&] { return check_locality(l); }, kTimeoutA, "activeLocality");
  }

  void release_locality(uint8_t l) { spi_.write8(l, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_ACTIVE); }

  uint8_t status() { return spi_.read8(0, MCTPM_TPM_STS); }
  void ready() { spi_.write8(0, MCTPM_TPM_STS, MCTPM_TPM_STS_COMMAND_READY); }

  void wait_for_stat(uint8_t mask, uint32_t timeout_us, const std::string& what) {
    poll([&] { return (status() & mask) == mask; }, timeout_us, what);
  }

  uint32_t burstcount() {
    uint32_t burst = 0;
    poll(
        [&] {
          burst = (spi_.read32(0, MCTPM_TPM_STS) >> MCTPM_TPM_STS_BURST_SHIFT) & 0xFFFF;
          return burst != 0;
        },
        kTimeoutD, "burstCount");
    return burst;
  }

  // tpm_tis_send_data + tpm_tis_send_main + tpm_tis_recv (locality 0 held).
  Bytes transmit(const Bytes& cmd) {
    if ((status() & MCTPM_TPM_STS_COMMAND_READY) == 0) {
      ready();
      wait_for_stat(MCTPM_TPM_STS_COMMAND_READY, kTimeoutB, "commandReady");
    }
    size_t count = 0;
    while (count < cmd.size() - 1) {
      const size_t burst = std::min<size_t>(burstcount(), cmd.size() - count - 1);
      spi_.write(0, MCTPM_TPM_DATA_FIFO, cmd.data() + count, burst);
      count += burst;
      wait_for_stat(MCTPM_TPM_STS_VALID, kTimeoutC, "stsValid after a burst");
      EXPECT_NE(status() & MCTPM_TPM_STS_EXPECT, 0) << "Expect dropped with " << cmd.size() - count << " bytes left";
    }
    spi_.write8(0, MCTPM_TPM_DATA_FIFO, cmd[count]);
    wait_for_stat(MCTPM_TPM_STS_VALID, kTimeoutC, "stsValid after the last byte");
    EXPECT_EQ(status() & MCTPM_TPM_STS_EXPECT, 0) << "Expect still set after the whole command";
    spi_.write8(0, MCTPM_TPM_STS, MCTPM_TPM_STS_GO);
    wait_for_stat(MCTPM_TPM_STS_DATA_AVAIL | MCTPM_TPM_STS_VALID, kCommandDuration, "dataAvail");

    Bytes rsp(10);
    recv_data(rsp.data(), 10);
    const uint32_t expected = be32(&rsp[2]);
    if (expected < 10 || expected > 4096)
      throw mctpm::Error(mctpm::Error::Kind::Protocol, "response size field " + std::to_string(expected));
    rsp.resize(expected);
    recv_data(rsp.data() + 10, rsp.size() - 10);
    wait_for_stat(MCTPM_TPM_STS_VALID, kTimeoutC, "stsValid after the response");
    EXPECT_EQ(status() & MCTPM_TPM_STS_DATA_AVAIL, 0) << "dataAvail still set after the whole response";
    ready();
    return rsp;
  }

 private:
  void recv_data(uint8_t* out, size_t count) {
    size_t size = 0;
    while (size < count) {
      wait_for_stat(MCTPM_TPM_STS_DATA_AVAIL | MCTPM_TPM_STS_VALID, kTimeoutC, "dataAvail while reading");
      const size_t burst = std::min<size_t>(burstcount(), count - size);
      spi_.read(0, MCTPM_TPM_DATA_FIFO, out + size, burst);  // split into 64-byte frames, as tpm_tis_spi does
      size += burst;
    }
  }

  mctpm::SimTransport& t_;
  mctpm::TpmSpi spi_;
};

Bytes get_capability_total_commands() {
  // TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES, TPM_PT_TOTAL_COMMANDS, 1), as tpm2_probe builds it.
  return {0x80, 0x01, 0, 0, 0, 22, 0, 0, 0x01, 0x7A, 0, 0, 0, 6, 0, 0, 0x01, 0x29, 0, 0, 0, 1};
}

TEST(LinuxProbeReplay, TpmTisCoreProbeFindsATpm2AndAutoStartupSucceeds) {
  mctpm_test::SimProcess sim;
  mctpm::SimTransport t("127.0.0.1", sim.port());
  LinuxTis tis(t);
  auto& spi = tis.spi();

  // tpm_tis_core_init
  tis.wait_startup();
  const uint32_t vendor = spi.read32(0, MCTPM_TPM_DID_VID);
  EXPECT_EQ(vendor, (uint32_t(MCTPM_TPM_DID) << 16) | MCTPM_TPM_VID);

  // "Take control of the TPM's interrupt hardware and shut it off"
  uint32_t intmask = spi.read32(0, MCTPM_TPM_INT_ENABLE);
  intmask |= MCTPM_TPM_INT_COMMAND_READY | MCTPM_TPM_INT_LOCALITY_CHANGE | MCTPM_TPM_INT_DATA_AVAIL |
             MCTPM_TPM_INT_STS_VALID;
  intmask &= ~uint32_t(MCTPM_TPM_INT_GLOBAL_ENABLE);
  tis.request_locality(0);
  spi.write32(0, MCTPM_TPM_INT_ENABLE, intmask);
  tis.release_locality(0);
  const uint32_t supported = MCTPM_TPM_INT_COMMAND_READY | MCTPM_TPM_INT_LOCALITY_CHANGE | MCTPM_TPM_INT_DATA_AVAIL;
  const uint32_t inten = spi.read32(0, MCTPM_TPM_INT_ENABLE);
  EXPECT_EQ(inten & supported, supported);
  EXPECT_EQ(inten & MCTPM_TPM_INT_GLOBAL_ENABLE, 0u);
  EXPECT_EQ(spi.read8(0, MCTPM_TPM_ACCESS) & MCTPM_TPM_ACCESS_ACTIVE, 0) << "locality 0 not relinquished";

  // tpm_chip_start, tpm2_probe, tpm_chip_stop: any answer tagged
  // TPM_ST_NO_SESSIONS marks a TPM 2.0 (the code is ignored on purpose).
  tis.request_locality(0);
  const Bytes probe = tis.transmit(get_capability_total_commands());
  ASSERT_GE(probe.size(), 10u);
  EXPECT_EQ((probe[0] << 8) | probe[1], kStNoSessions);
  tis.release_locality(0);

  const uint32_t intfcaps = spi.read32(0, MCTPM_TPM_INTF_CAPABILITY);
  EXPECT_EQ(intfcaps, MCTPM_TPM_INTF_CAPABILITY_VALUE);
  EXPECT_EQ(spi.read8(0, MCTPM_TPM_RID), MCTPM_TPM_RID_VALUE);

  // The interrupt handler's acknowledge (write the set bits back): INT_STATUS
  // is write-1-to-clear, and with globalIntEnable off PIRQ# stays high.
  const uint32_t int_status = spi.read32(0, MCTPM_TPM_INT_STATUS);
  spi.write32(0, MCTPM_TPM_INT_STATUS, int_status);
  EXPECT_EQ(spi.read32(0, MCTPM_TPM_INT_STATUS), 0u);
  EXPECT_FALSE(t.info().pirq_asserted);

  // tpm2_auto_startup: SelfTest(NO); TPM_RC_INITIALIZE -> Startup(CLEAR), SelfTest again.
  tis.request_locality(0);
  const Bytes self_test = {0x80, 0x01, 0, 0, 0, 11, 0, 0, 0x01, 0x43, 0x00};
  Bytes r = tis.transmit(self_test);
  uint32_t rc = be32(&r[6]);
  EXPECT_TRUE(rc == 0 || rc == kRcInitialize) << std::hex << rc;
  if (rc == kRcInitialize) {
    r = tis.transmit({0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0x00, 0x00});
    EXPECT_EQ(be32(&r[6]), 0u);
    r = tis.transmit(self_test);
    EXPECT_EQ(be32(&r[6]), 0u);
  }
  // After start-up the same probe succeeds and reports one property.
  r = tis.transmit(get_capability_total_commands());
  ASSERT_EQ(be32(&r[6]), 0u);
  ASSERT_EQ(r.size(), 10u + 1 + 4 + 4 + 8);  // moreData, capability, count, (property, value)
  EXPECT_EQ(be32(&r[11]), 6u);                 // TPM_CAP_TPM_PROPERTIES
  EXPECT_EQ(be32(&r[15]), 1u);
  EXPECT_EQ(be32(&r[19]), 0x129u);             // TPM_PT_TOTAL_COMMANDS
  EXPECT_GT(be32(&r[23]), 0u);
  tis.release_locality(0);
}

}  // namespace
