// Tests of the ring blocks (rtl/ring) wired as in the SoC
// (ring_harness_top.v): the CPU side of the bus is driven the way PicoRV32
// drives it (look-ahead read one cycle before a zero-wait memory access,
// requests held until ready), the host side over SPI with the real front
// end. Every case is self-checking; CTest runs each one by name.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "Vring_harness_top.h"
#include "dual_clock_sim.h"
#include "management.h"
#include "soc_map.h"
#include "tpm_spi_regs.h"
#include "verilated.h"

namespace {

constexpr uint32_t kCtxWords = MCTPM_CTX_SIZE / 4;
constexpr uint32_t kRing = MCTPM_RING_BASE;
constexpr uint32_t kTpmif = MCTPM_TPMIF_BASE;
constexpr int kMaxPolls = 50;

bool is_zero_wait(uint32_t addr) {
  const uint32_t region = addr >> 28;
  return region == (MCTPM_RAM_BASE >> 28) || region == (MCTPM_CTX_BASE >> 28) ||
         region == (MCTPM_ROOT_BASE >> 28) || region == (MCTPM_ROM_BASE >> 28);
}

// A TPM 2.0 command: tag 0x8001, size, code, then `params`.
std::vector<uint8_t> command(uint32_t cc, const std::vector<uint8_t>& params = {}) {
  const uint32_t size = 10 + uint32_t(params.size());
  std::vector<uint8_t> v(size, 0);
  v[0] = 0x80;
  v[1] = 0x01;
  for (int i = 0; i < 4; ++i) {
    v[2 + i] = uint8_t(size >> (24 - 8 * i));
    v[6 + i] = uint8_t(cc >> (24 - 8 * i));
  }
  for (size_t i = 0; i < params.size(); ++i) v[10 + i] = params[i];
  return v;
}

std::vector<uint8_t> trapped_response() {
  const uint32_t rc = MCTPM_MGMT_RC_TRAPPED;
  return {0x80, 0x01, 0, 0, 0, 10, uint8_t(rc >> 24), uint8_t(rc >> 16), uint8_t(rc >> 8), uint8_t(rc)};
}

constexpr uint32_t kTpmStartup = 0x00000144;  // TPM2_Startup: an ordinary command

class RingControl : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = std::make_unique<VerilatedContext>();
    top_ = std::make_unique<Vring_harness_top>(ctx_.get());
    idle_bus();
    sim_ = std::make_unique<DualClockSim<Vring_harness_top>>(*top_, MCTPM_SYS_CLOCK_HZ, MCTPM_SPI_CLOCK_HZ);
    sim_->reset(5);
    wait_scrub_done();
  }
  void TearDown() override { top_->final(); }

  // ---------------- the CPU's bus ----------------
  void idle_bus() {
    top_->mem_valid = 0;
    top_->mem_addr = 0;
    top_->mem_wdata = 0;
    top_->mem_wstrb = 0;
    top_->mem_la_read = 0;
    top_->mem_la_addr = 0;
  }
  // One access as PicoRV32 makes it; returns the read data.
  uint32_t bus(uint32_t addr, bool write, uint32_t wdata = 0, uint8_t wstrb = 0xF) {
    if (!write && is_zero_wait(addr)) {
      // the look-ahead read one cycle before the request
      top_->mem_la_read = 1;
      top_->mem_la_addr = addr;
      sim_->eval();
      sim_->run_sys_cycles(1);
      top_->mem_la_read = 0;
    }
    top_->mem_valid = 1;
    top_->mem_addr = addr;
    top_->mem_wdata = wdata;
    top_->mem_wstrb = write ? wstrb : 0;
    sim_->eval();
    int cycles = 0;
    while (!top_->mem_ready) {
      sim_->run_sys_cycles(1);
      if (++cycles > 50) {
        ADD_FAILURE() << "bus access to 0x" << std::hex << addr << " never completed";
        break;
      }
    }
    if (is_zero_wait(addr)) EXPECT_EQ(cycles, 0) << "zero-wait memory waited at 0x" << std::hex << addr;
    const uint32_t r = top_->mem_rdata;
    sim_->run_sys_cycles(1);  // the CPU takes the data at this edge
    idle_bus();
    sim_->eval();
    return r;
  }
  uint32_t rd(uint32_t addr) { return bus(addr, false); }
  void wr(uint32_t addr, uint32_t v, uint8_t strb = 0xF) { bus(addr, true, v, strb); }

  uint32_t ring_status() { return rd(kRing + MCTPM_RING_STATUS); }
  uint32_t denied_count() { return rd(kRing + MCTPM_RING_DENIED_COUNT); }
  uint32_t denied_addr() { return rd(kRing + MCTPM_RING_DENIED_ADDR); }
  void wait_scrub_done() {
    for (int i = 0; i < 5000 && top_->scrubbing_o; ++i) sim_->run_sys_cycles(1);
    ASSERT_EQ(top_->scrubbing_o, 0) << "scrub never finished";
  }

  // ---------------- the firmware's view of the front end ----------------
  uint32_t cmd_status() { return rd(kTpmif + MCTPM_TPMIF_CMD_STATUS); }
  bool wait_cmd_pending() {
    for (int i = 0; i < 200; ++i) {
      if (cmd_status() & 1u) return true;
      sim_->run_sys_cycles(10);
    }
    return false;
  }
  void fw_respond(const std::vector<uint8_t>& rsp) {
    for (size_t i = 0; i < rsp.size(); i += 4) {
      uint32_t w = 0;
      uint8_t strb = 0;
      for (size_t k = 0; k < 4 && i + k < rsp.size(); ++k) {
        w |= uint32_t(rsp[i + k]) << (8 * k);
        strb |= uint8_t(1u << k);
      }
      wr(kTpmif + MCTPM_TPMIF_RSP_BUF + uint32_t(i), w, strb);
    }
    wr(kTpmif + MCTPM_TPMIF_RSP_LEN, uint32_t(rsp.size()));
  }

  // ---------------- the host: TPM over SPI ----------------
  std::vector<uint8_t> xfer(bool read, uint32_t off, size_t n, const uint8_t* data = nullptr) {
    const uint32_t a = MCTPM_TPM_SPI_ADDR_BASE + off;
    std::vector<uint8_t> out;
    sim_->cs_assert();
    sim_->spi_byte(uint8_t((read ? 0x80 : 0x00) | ((n - 1) & 0x3F)));
    sim_->spi_byte(uint8_t(a >> 16));
    sim_->spi_byte(uint8_t(a >> 8));
    uint8_t last = sim_->spi_byte(uint8_t(a));
    for (int polls = 0; (last & 1u) == 0 && polls < kMaxPolls; ++polls) last = sim_->spi_byte(0);
    EXPECT_EQ(last & 1u, 1u) << "wait state never ended";
    for (size_t i = 0; i < n; ++i) out.push_back(sim_->spi_byte(read ? 0 : data[i]));
    sim_->cs_release();
    sim_->run_sys_cycles(4);  // the frame commits within 4 cycles of CS rising
    return out;
  }
  uint32_t spi_read32(uint32_t off) {
    auto d = xfer(true, off, 4);
    return d[0] | d[1] << 8 | d[2] << 16 | uint32_t(d[3]) << 24;
  }
  void spi_write(uint32_t off, const std::vector<uint8_t>& v) { xfer(false, off, v.size(), v.data()); }
  void spi_write32(uint32_t off, uint32_t v) {
    spi_write(off, {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)});
  }
  uint32_t sts() { return spi_read32(MCTPM_TPM_STS); }
  void host_send(const std::vector<uint8_t>& cmd) {
    if (!(spi_read32(MCTPM_TPM_ACCESS) & MCTPM_TPM_ACCESS_ACTIVE)) spi_write(MCTPM_TPM_ACCESS, {MCTPM_TPM_ACCESS_REQUEST_USE});
    spi_write(MCTPM_TPM_STS, {MCTPM_TPM_STS_COMMAND_READY});
    for (size_t i = 0; i < cmd.size(); i += 64)
      spi_write(MCTPM_TPM_DATA_FIFO, std::vector<uint8_t>(cmd.begin() + i, cmd.begin() + std::min(cmd.size(), i + 64)));
    ASSERT_EQ(sts() & MCTPM_TPM_STS_EXPECT, 0u);
    spi_write(MCTPM_TPM_STS, {MCTPM_TPM_STS_GO});
  }
  std::vector<uint8_t> host_receive() {
    for (int i = 0; i < 200 && !(sts() & MCTPM_TPM_STS_DATA_AVAIL); ++i) sim_->run_sys_cycles(20);
    EXPECT_NE(sts() & MCTPM_TPM_STS_DATA_AVAIL, 0u) << "no response";
    auto rsp = xfer(true, MCTPM_TPM_DATA_FIFO, 10);
    const uint32_t size = uint32_t(rsp[2]) << 24 | rsp[3] << 16 | rsp[4] << 8 | rsp[5];
    while (rsp.size() < size && size <= MCTPM_TPMIF_BUF_SIZE) {
      auto part = xfer(true, MCTPM_TPM_DATA_FIFO, std::min<size_t>(64, size - rsp.size()));
      rsp.insert(rsp.end(), part.begin(), part.end());
    }
    EXPECT_EQ(sts() & MCTPM_TPM_STS_DATA_AVAIL, 0u) << "dataAvail after the whole response";
    return rsp;
  }

  // One command the firmware executes; `enter` writes RING_ENTER on the way.
  std::vector<uint8_t> run_command(const std::vector<uint8_t>& cmd, bool enter = false) {
    host_send(cmd);
    EXPECT_TRUE(wait_cmd_pending()) << "the firmware never saw the command";
    if (enter) wr(kRing + MCTPM_RING_ENTER, 1);
    fw_respond(command(0, {}));  // any 10-byte response: tag, size, rc 0
    return host_receive();
  }
  // Ring 0 -> ring 1 the only way there is: a LAUNCH whose firmware arms entry.
  void enter_ring1() {
    run_command(command(MCTPM_MGMT_CC_LAUNCH, {0}), true);
    ASSERT_EQ(top_->cr0_o, 1) << "LAUNCH did not enter ring 1";
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vring_harness_top> top_;
  std::unique_ptr<DualClockSim<Vring_harness_top>> sim_;
};

// ---------------------------------------------------------------------------

TEST_F(RingControl, ResetLeavesRingZeroAndScrubsTheContextRegion) {
  // Fill part of CTX, then a warm reset: every word reads 0 afterwards.
  for (uint32_t i = 0; i < kCtxWords; i += 97) wr(MCTPM_CTX_BASE + 4 * i, 0xC0DE0000u | i);
  EXPECT_EQ(rd(MCTPM_CTX_BASE + 4 * 97), 0xC0DE0000u | 97);
  sim_->reset(3);
  EXPECT_EQ(top_->scrubbing_o, 1) << "reset starts a scrub";
  EXPECT_EQ(ring_status() & MCTPM_RING_STATUS_SCRUBBING, MCTPM_RING_STATUS_SCRUBBING);
  EXPECT_EQ(rd(MCTPM_CTX_BASE + 4 * 2000), 0u) << "CTX reads 0 while the scrub runs";
  wait_scrub_done();
  EXPECT_EQ(ring_status(), 0u) << "ring 0, not armed, not scrubbing, nothing resident";
  for (uint32_t i = 0; i < kCtxWords; ++i) ASSERT_EQ(rd(MCTPM_CTX_BASE + 4 * i), 0u) << "word " << i;
  EXPECT_EQ(rd(kRing + MCTPM_RING_TRAP_COUNT), 0u);
  EXPECT_EQ(denied_count(), 1u) << "the CTX read during the scrub was refused";
  EXPECT_EQ(denied_addr(), MCTPM_CTX_BASE + 4 * 2000);
  EXPECT_EQ(rd(kRing + MCTPM_REG_NAME0), 0x72696E67u);  // "ring"
  EXPECT_EQ(rd(kRing + MCTPM_REG_VERSION), 0x00010000u);
}

TEST_F(RingControl, RingEnterIgnoredUnlessLaunchOrResumeIsPending) {
  // No command pending at all.
  wr(kRing + MCTPM_RING_ENTER, 1);
  EXPECT_EQ(ring_status() & MCTPM_RING_STATUS_ARMED, 0u);
  // An ordinary command and another management command: not armed, no entry.
  for (uint32_t cc : {kTpmStartup, uint32_t(MCTPM_MGMT_CC_EXIT), uint32_t(MCTPM_MGMT_CC_GET_STATE)}) {
    run_command(command(cc, {0, 0}), true);
    EXPECT_EQ(top_->cr0_o, 0) << std::hex << cc;
    EXPECT_EQ(ring_status() & (MCTPM_RING_STATUS_ARMED | MCTPM_RING_STATUS_CR0), 0u) << std::hex << cc;
  }
  // Writing 0 (or another byte lane) is not "write 1".
  host_send(command(MCTPM_MGMT_CC_RESUME, {0, 0}));
  ASSERT_TRUE(wait_cmd_pending());
  wr(kRing + MCTPM_RING_ENTER, 0);
  wr(kRing + MCTPM_RING_ENTER, 0x100, 0x2);
  EXPECT_EQ(ring_status() & MCTPM_RING_STATUS_ARMED, 0u);
  fw_respond(command(0));
  host_receive();
  EXPECT_EQ(top_->cr0_o, 0);
  // While a scrub runs, entry is refused even for RESUME.
  host_send(command(MCTPM_MGMT_CC_RESUME, {0, 0}));
  ASSERT_TRUE(wait_cmd_pending());
  wr(kRing + MCTPM_RING_SCRUB, 1);
  wr(kRing + MCTPM_RING_ENTER, 1);
  EXPECT_EQ(ring_status() & MCTPM_RING_STATUS_ARMED, 0u) << "armed during a scrub";
  fw_respond(command(0));
  host_receive();
  EXPECT_EQ(top_->cr0_o, 0);
  wait_scrub_done();
  // RESUME with the scrub done: entry works.
  run_command(command(MCTPM_MGMT_CC_RESUME, {0, 0}), true);
  EXPECT_EQ(top_->cr0_o, 1);
  // In ring 1 RING_ENTER is a write the policy refuses: counted, no effect.
  const uint32_t denied = denied_count();
  wr(kRing + MCTPM_RING_ENTER, 1);
  EXPECT_EQ(denied_count(), denied + 1);
  EXPECT_EQ(denied_addr(), kRing + MCTPM_RING_ENTER);
  EXPECT_EQ(ring_status() & MCTPM_RING_STATUS_ARMED, 0u);
}

TEST_F(RingControl, Cr0BecomesOneOnlyWhenTheEntryCommandsResponseIsHandedOver) {
  host_send(command(MCTPM_MGMT_CC_LAUNCH, {0}));
  ASSERT_TRUE(wait_cmd_pending());
  wr(kRing + MCTPM_RING_ENTER, 1);
  EXPECT_EQ(ring_status(), uint32_t(MCTPM_RING_STATUS_ARMED)) << "armed, still ring 0";
  // The firmware still works in ring 0: ROOT and SEAL are writable.
  wr(MCTPM_ROOT_BASE + 0x1800, 0x12345678u);
  EXPECT_EQ(rd(MCTPM_ROOT_BASE + 0x1800), 0x12345678u);
  sim_->run_sys_cycles(500);
  EXPECT_EQ(top_->cr0_o, 0);
  EXPECT_EQ(spi_read32(MCTPM_MCTPM_RING_STATUS) & 1u, 0u);
  // The response goes to the buffer: still ring 0 until RSP_LEN.
  wr(kTpmif + MCTPM_TPMIF_RSP_BUF, 0x00000180u);
  EXPECT_EQ(top_->cr0_o, 0);
  fw_respond(command(0, {0, 0, 0, 1}));
  EXPECT_EQ(top_->cr0_o, 1) << "CR0 after RSP_LEN";
  EXPECT_EQ(ring_status(), uint32_t(MCTPM_RING_STATUS_CR0 | MCTPM_RING_STATUS_RESIDENT));
  EXPECT_EQ(host_receive(), command(0, {0, 0, 0, 1}));
  EXPECT_EQ(spi_read32(MCTPM_MCTPM_RING_STATUS), 1u) << "CR0 = 1, no traps";
  // From here the firmware is in ring 1: the ROOT write it made is hidden.
  EXPECT_EQ(rd(MCTPM_ROOT_BASE + 0x1800), 0u);
}

TEST_F(RingControl, ManagementCommandInRing1IsTrappedAndAnsweredByHardware) {
  enter_ring1();
  spi_write32(MCTPM_TPM_INT_ENABLE, MCTPM_TPM_INT_GLOBAL_ENABLE | MCTPM_TPM_INT_RING_TRAP);
  EXPECT_EQ(spi_read32(MCTPM_TPM_INT_ENABLE) & MCTPM_TPM_INT_RING_TRAP, uint32_t(MCTPM_TPM_INT_RING_TRAP));
  EXPECT_EQ(top_->pirq_no, 1);
  host_send(command(MCTPM_MGMT_CC_GET_STATE));
  // The firmware never sees it.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(cmd_status() & 1u, 0u) << "the trapped command reached the firmware";
  EXPECT_EQ(top_->cr0_o, 0) << "a trap leaves ring 1";
  EXPECT_EQ(host_receive(), trapped_response());
  EXPECT_EQ(rd(kRing + MCTPM_RING_TRAP_CC), uint32_t(MCTPM_MGMT_CC_GET_STATE));
  EXPECT_EQ(rd(kRing + MCTPM_RING_TRAP_COUNT), 1u);
  EXPECT_EQ(ring_status(), uint32_t(MCTPM_RING_STATUS_RESIDENT)) << "context still resident, ring 0";
  // The host's view: vendor registers in every locality, INT_STATUS, PIRQ#.
  EXPECT_EQ(spi_read32(MCTPM_MCTPM_RING_STATUS), 1u << 16) << "CR0 0, one trap";
  EXPECT_EQ(spi_read32((3u << 12) + MCTPM_MCTPM_TRAP_CC), uint32_t(MCTPM_MGMT_CC_GET_STATE));
  EXPECT_EQ(spi_read32(MCTPM_TPM_INT_STATUS) & MCTPM_TPM_INT_RING_TRAP, uint32_t(MCTPM_TPM_INT_RING_TRAP));
  EXPECT_EQ(top_->pirq_no, 0);
  spi_write32(MCTPM_TPM_INT_STATUS, MCTPM_TPM_INT_RING_TRAP);
  sim_->run_sys_cycles(4);
  EXPECT_EQ(spi_read32(MCTPM_TPM_INT_STATUS) & MCTPM_TPM_INT_RING_TRAP, 0u);
  EXPECT_EQ(top_->pirq_no, 1);
  // Sent again, now in ring 0, the same command runs on the firmware.
  host_send(command(MCTPM_MGMT_CC_GET_STATE));
  ASSERT_TRUE(wait_cmd_pending());
  const std::vector<uint8_t> state = command(0, std::vector<uint8_t>(MCTPM_MGMT_STATE_SIZE, 0x5A));
  fw_respond(state);
  EXPECT_EQ(host_receive(), state);
  EXPECT_EQ(rd(kRing + MCTPM_RING_TRAP_COUNT), 1u);
  // Every code of the management page traps, known or not.
  enter_ring1();
  host_send(command(MCTPM_MGMT_CC_PAGE | 0xFF));
  EXPECT_EQ(host_receive(), trapped_response());
  EXPECT_EQ(rd(kRing + MCTPM_RING_TRAP_CC), uint32_t(MCTPM_MGMT_CC_PAGE | 0xFF));
  EXPECT_EQ(spi_read32(MCTPM_MCTPM_RING_STATUS), 2u << 16);
}

TEST_F(RingControl, OrdinaryCommandInRing1IsNotTrapped) {
  enter_ring1();
  // Codes next to the page and in other vendor pages are ordinary.
  for (uint32_t cc : {kTpmStartup, uint32_t(MCTPM_MGMT_CC_PAGE - 1), uint32_t(MCTPM_MGMT_CC_PAGE + 0x100),
                      0x20000001u}) {
    const std::vector<uint8_t> rsp = command(0, {uint8_t(cc), 1, 2, 3});
    host_send(command(cc, {0, 0}));
    ASSERT_TRUE(wait_cmd_pending()) << std::hex << cc;
    fw_respond(rsp);
    EXPECT_EQ(host_receive(), rsp) << std::hex << cc;
    EXPECT_EQ(top_->cr0_o, 1) << std::hex << cc;
  }
  EXPECT_EQ(rd(kRing + MCTPM_RING_TRAP_COUNT), 0u);
  // A command too short to carry a code does not inherit the last one's.
  host_send(command(MCTPM_MGMT_CC_GET_STATE));
  EXPECT_EQ(host_receive(), trapped_response());
  enter_ring1();
  host_send({0x80, 0x01, 0, 0, 0, 8, 0x20, 0x00});
  ASSERT_TRUE(wait_cmd_pending()) << "a short command goes to the firmware";
  fw_respond(command(0));
  host_receive();
  EXPECT_EQ(top_->cr0_o, 1);
}

TEST_F(RingControl, ManagementCommandInRing0IsNotTrapped) {
  for (uint32_t cc = MCTPM_MGMT_CC_XON; cc <= MCTPM_MGMT_CC_GET_CONTEXT; ++cc) {
    const std::vector<uint8_t> rsp = command(0, {uint8_t(cc)});
    host_send(command(cc, {0, 0, 0, 0}));
    ASSERT_TRUE(wait_cmd_pending()) << std::hex << cc;
    fw_respond(rsp);
    EXPECT_EQ(host_receive(), rsp);
  }
  EXPECT_EQ(rd(kRing + MCTPM_RING_TRAP_COUNT), 0u);
  EXPECT_EQ(spi_read32(MCTPM_TPM_INT_STATUS), 0u);
}

TEST_F(RingControl, Ring1ReadsOfRootBeyondTheSharedWindowReturnZeroAndCountADenial) {
  const uint32_t shared_last = MCTPM_ROOT_BASE + MCTPM_ROOT_SHARED_SIZE - 4;
  const uint32_t beyond = MCTPM_ROOT_BASE + MCTPM_ROOT_SHARED_SIZE;
  const uint32_t far = MCTPM_ROOT_BASE + MCTPM_ROOT_SIZE - 4;
  wr(MCTPM_ROOT_BASE, 0x11111111u);
  wr(shared_last, 0x22222222u);
  wr(beyond, 0x33333333u);
  wr(far, 0x44444444u);
  EXPECT_EQ(denied_count(), 0u) << "ring 0 may do all of this";
  enter_ring1();
  EXPECT_EQ(rd(MCTPM_ROOT_BASE), 0x11111111u);
  EXPECT_EQ(rd(shared_last), 0x22222222u);
  EXPECT_EQ(denied_count(), 0u);
  EXPECT_EQ(rd(beyond), 0u);
  EXPECT_EQ(denied_count(), 1u);
  EXPECT_EQ(denied_addr(), beyond);
  EXPECT_EQ(rd(far), 0u);
  EXPECT_EQ(denied_count(), 2u);
  EXPECT_EQ(denied_addr(), far);
  // An alias of the shared window above the 8 KiB RAM is not the window.
  EXPECT_EQ(rd(MCTPM_ROOT_BASE + MCTPM_ROOT_SIZE), 0u);
  EXPECT_EQ(denied_count(), 3u);
}

TEST_F(RingControl, Ring1WritesToTheSharedPcrWindowAreDropped) {
  wr(MCTPM_ROOT_BASE + 0x40, 0xAAAA5555u);
  enter_ring1();
  wr(MCTPM_ROOT_BASE + 0x40, 0xDEADBEEFu);
  wr(MCTPM_ROOT_BASE + 0x40, 0xFFu, 0x1);
  EXPECT_EQ(denied_count(), 2u);
  EXPECT_EQ(denied_addr(), MCTPM_ROOT_BASE + 0x40);
  EXPECT_EQ(rd(MCTPM_ROOT_BASE + 0x40), 0xAAAA5555u) << "ring 1 reads the unchanged PCR";
  // What ring 1 may do: RAM and CTX read/write, the ring registers read.
  wr(MCTPM_RAM_BASE + 0x100, 0x0BADF00Du);
  EXPECT_EQ(rd(MCTPM_RAM_BASE + 0x100), 0x0BADF00Du);
  wr(MCTPM_CTX_BASE + 0x1FFC, 0x600DCAFEu);
  EXPECT_EQ(rd(MCTPM_CTX_BASE + 0x1FFC), 0x600DCAFEu);
  EXPECT_EQ(ring_status() & MCTPM_RING_STATUS_CR0, uint32_t(MCTPM_RING_STATUS_CR0));
  EXPECT_EQ(denied_count(), 2u) << "allowed accesses are not counted";
  // Writes to the ring registers themselves are refused in ring 1.
  wr(kRing + MCTPM_RING_SCRUB, 1);
  EXPECT_EQ(denied_count(), 3u);
  EXPECT_EQ(ring_status() & MCTPM_RING_STATUS_SCRUBBING, 0u) << "ring 1 cannot scrub";
  EXPECT_EQ(rd(MCTPM_CTX_BASE + 0x1FFC), 0x600DCAFEu);
}

TEST_F(RingControl, SealAndSpiFlashAreUnreachableInRing1) {
  const uint32_t flash_addr = MCTPM_SPI_FLASH_BASE + MCTPM_SPI_FLASH_ADDR;
  const uint32_t seal_msg = MCTPM_SEAL_BASE + MCTPM_SEAL_MSG;
  wr(flash_addr, 0x00123456u);
  wr(seal_msg, 0x5EA15EA1u);
  ASSERT_EQ(rd(flash_addr), 0x00123456u) << "ring 0 reaches the flash controller";
  ASSERT_EQ(rd(seal_msg), 0x5EA15EA1u) << "ring 0 reaches the sealing engine";
  ASSERT_NE(rd(MCTPM_SEAL_BASE + MCTPM_REG_NAME0), 0u);
  enter_ring1();
  for (uint32_t a : {flash_addr, seal_msg, uint32_t(MCTPM_SEAL_BASE + MCTPM_REG_NAME0),
                     uint32_t(MCTPM_SPI_FLASH_BASE + MCTPM_REG_NAME0)}) {
    const uint32_t before = denied_count();
    EXPECT_EQ(rd(a), 0u) << std::hex << a;
    EXPECT_EQ(denied_count(), before + 1) << std::hex << a;
    EXPECT_EQ(denied_addr(), a);
  }
  wr(flash_addr, 0x00ABCDEFu);
  wr(seal_msg, 0x0u);
  wr(MCTPM_SPI_FLASH_BASE + MCTPM_SPI_FLASH_CTRL, MCTPM_SPI_FLASH_CTRL_GO);
  // Back in ring 0 (a trap) nothing has changed there.
  host_send(command(MCTPM_MGMT_CC_EXIT));
  EXPECT_EQ(host_receive(), trapped_response());
  EXPECT_EQ(rd(flash_addr), 0x00123456u);
  EXPECT_EQ(rd(seal_msg), 0x5EA15EA1u);
  EXPECT_EQ(rd(MCTPM_SPI_FLASH_BASE + MCTPM_SPI_FLASH_STATUS) & MCTPM_SPI_FLASH_STATUS_BUSY, 0u)
      << "ring 1 started a flash transfer";
}

TEST_F(RingControl, ScrubZeroesTheWholeContextRegionAndClearsResident) {
  enter_ring1();
  for (uint32_t i = 0; i < kCtxWords; ++i) wr(MCTPM_CTX_BASE + 4 * i, ~i);
  EXPECT_EQ(rd(MCTPM_CTX_BASE + 4 * 5), ~5u);
  host_send(command(MCTPM_MGMT_CC_COMMIT));  // traps: back to ring 0
  EXPECT_EQ(host_receive(), trapped_response());
  EXPECT_EQ(ring_status(), uint32_t(MCTPM_RING_STATUS_RESIDENT));
  wr(kRing + MCTPM_RING_SCRUB, 1);
  EXPECT_EQ(ring_status(), uint32_t(MCTPM_RING_STATUS_SCRUBBING)) << "resident cleared, scrub busy";
  // During the scrub the region reads 0 (also words not yet zeroed) and
  // ignores writes, and the refusals are counted.
  const uint32_t before = denied_count();
  EXPECT_EQ(rd(MCTPM_CTX_BASE + 4 * (kCtxWords - 1)), 0u);
  wr(MCTPM_CTX_BASE + 4 * (kCtxWords - 2), 0x77777777u);
  EXPECT_EQ(denied_count(), before + 2);
  wait_scrub_done();
  EXPECT_EQ(ring_status(), 0u);
  for (uint32_t i = 0; i < kCtxWords; ++i) ASSERT_EQ(rd(MCTPM_CTX_BASE + 4 * i), 0u) << "word " << i;
  // A second scrub request while idle works again; one while busy is ignored.
  wr(MCTPM_CTX_BASE, 1);
  wr(kRing + MCTPM_RING_SCRUB, 1);
  wr(kRing + MCTPM_RING_SCRUB, 1);
  wait_scrub_done();
  EXPECT_EQ(rd(MCTPM_CTX_BASE), 0u);
}

// The look-ahead read of the last word can race the scrubber's final write:
// busy must cover the cycle after it, so the old word never reaches the CPU.
TEST_F(RingControl, NoContextWordLeaksAtTheEndOfAScrub) {
  const uint32_t last = MCTPM_CTX_BASE + 4 * (kCtxWords - 1);
  // A read takes two cycles (look-ahead, request): lags 0..3 put the reads
  // on every phase against the scrubber's last write.
  for (int lag = 0; lag < 4; ++lag) {
    wr(last, 0xFEEDFACEu);
    ASSERT_EQ(rd(last), 0xFEEDFACEu);
    wr(kRing + MCTPM_RING_SCRUB, 1);
    sim_->run_sys_cycles(lag);
    // Read the last word back to back until the scrub is over.
    for (int i = 0; i < 4000; ++i) {
      const bool was_busy = top_->scrubbing_o;
      const uint32_t v = rd(last);
      ASSERT_EQ(v, 0u) << "old context word seen, busy=" << was_busy << " lag " << lag;
      if (!was_busy) break;
    }
  }
}

}  // namespace
