// Bit-level tests of the SPI TPM front end (rtl/spi_tpm): the host side is
// driven over SPI through DualClockSim, the firmware side over the block's
// bus, both the way their real users do it (Linux tpm_tis_spi, mctpm
// firmware). Every case is self-checking.
//
// Usage: spi_tpm_frontend_test [--spi-hz=N] [gtest flags]
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vspi_tpm.h"
#include "dual_clock_sim.h"
#include "management.h"
#include "soc_map.h"
#include "tpm_spi_regs.h"
#include "verilated.h"

namespace {

uint32_t g_spi_hz = MCTPM_SPI_CLOCK_HZ;

constexpr uint32_t kStsFixed = MCTPM_TPM_STS_VALID | MCTPM_TPM_STS_FAMILY_TPM2;
constexpr uint32_t kBufSize = MCTPM_TPMIF_BUF_SIZE;
constexpr int kMaxPolls = 50;
constexpr int kCommitCycles = 4;  // Linux gives up after 50 wait-state polls

uint32_t burst_of(uint32_t sts) { return (sts >> MCTPM_TPM_STS_BURST_SHIFT) & 0xFFFFu; }

// One SPI frame as seen on the wire.
struct Frame {
  std::vector<uint8_t> mosi, miso;
  int polls = 0;  // wait-state poll bytes clocked
  std::vector<uint8_t> data;  // data bytes read (reads) / MISO during data (writes)
};

// Byte transcripts double as golden vectors (rtl/spi_tpm/README.md).
void print_transcript(const char* what, const Frame& f) {
  std::string m, s;
  char buf[8];
  for (size_t i = 0; i < f.mosi.size(); ++i) {
    std::snprintf(buf, sizeof buf, " %02X", f.mosi[i]);
    m += buf;
    std::snprintf(buf, sizeof buf, " %02X", f.miso[i]);
    s += buf;
  }
  std::printf("%-14s MOSI:%s\n%-14s MISO:%s\n", what, m.c_str(), "", s.c_str());
}

class SpiTpmFrontend : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = std::make_unique<VerilatedContext>();
    top_ = std::make_unique<Vspi_tpm>(ctx_.get());
    top_->req_i = 0;
    top_->we_i = 0;
    top_->addr_i = 0;
    top_->wdata_i = 0;
    top_->wstrb_i = 0;
    // Ring control's side (rtl/ring): no trap, ring 0, unless a case says so.
    top_->trap_i = 0;
    top_->ring_cr0_i = 0;
    top_->ring_trap_count_i = 0;
    top_->ring_trap_cc_i = 0;
    sim_ = std::make_unique<DualClockSim<Vspi_tpm>>(*top_, MCTPM_SYS_CLOCK_HZ, g_spi_hz);
    sim_->reset(5);
    sim_->run_sys_cycles(2);
  }
  // Counts the one-cycle pulses to ring control, sampled once per clk_i cycle.
  void count_ring_pulses() {
    sim_->set_on_eval([this](uint64_t) {
      if (top_->clk_i && !last_clk_) {
        go_pulses_ += top_->go_o;
        rsp_done_pulses_ += top_->rsp_done_o;
        if (top_->go_o) go_cc_ = top_->cmd_cc_o;
      }
      last_clk_ = top_->clk_i;
    });
  }
  int go_pulses_ = 0, rsp_done_pulses_ = 0;
  uint32_t go_cc_ = 0;
  bool last_clk_ = false;
  void TearDown() override { top_->final(); }

  // ---------------- host side: TPM over SPI ----------------
  static uint32_t spi_addr(unsigned loc, uint32_t off) {
    return MCTPM_TPM_SPI_ADDR_BASE + (loc << 12) + off;
  }

  // A complete frame: header, wait-state polls, n data bytes.
  Frame xfer(bool read, uint32_t addr24, size_t n, const uint8_t* wr = nullptr) {
    Frame f;
    const uint8_t hdr[4] = {uint8_t((read ? 0x80 : 0x00) | ((n - 1) & 0x3F)),
                            uint8_t(addr24 >> 16), uint8_t(addr24 >> 8), uint8_t(addr24)};
    sim_->cs_assert();
    for (uint8_t b : hdr) {
      f.mosi.push_back(b);
      f.miso.push_back(sim_->spi_byte(b));
    }
    uint8_t last = f.miso.back();
    while ((last & 1u) == 0 && f.polls < kMaxPolls) {
      last = sim_->spi_byte(0x00);
      f.mosi.push_back(0x00);
      f.miso.push_back(last);
      ++f.polls;
    }
    EXPECT_EQ(last & 1u, 1u) << "wait state never ended";
    for (size_t i = 0; i < n; ++i) {
      const uint8_t out = read ? 0x00 : wr[i];
      const uint8_t in = sim_->spi_byte(out);
      f.mosi.push_back(out);
      f.miso.push_back(in);
      f.data.push_back(in);
    }
    sim_->cs_release();
    // A frame's effects land within 4 clk_i cycles of CS rising (2-flop
    // synchroniser + commit); firmware-side checks may follow right after.
    sim_->run_sys_cycles(kCommitCycles);
    return f;
  }
  // Wait-state polls of a hand-made frame.
  void poll_until_ready() {
    int polls = 0;
    while ((sim_->spi_byte(0) & 1u) == 0 && polls < kMaxPolls) ++polls;
    EXPECT_LT(polls, kMaxPolls) << "wait state never ended";
  }
  std::vector<uint8_t> read_bytes(unsigned loc, uint32_t off, size_t n) {
    return xfer(true, spi_addr(loc, off), n).data;
  }
  void write_bytes(unsigned loc, uint32_t off, const std::vector<uint8_t>& v) {
    xfer(false, spi_addr(loc, off), v.size(), v.data());
  }
  uint32_t read32(unsigned loc, uint32_t off) {
    auto d = read_bytes(loc, off, 4);
    return d[0] | d[1] << 8 | d[2] << 16 | uint32_t(d[3]) << 24;
  }
  uint8_t read8(unsigned loc, uint32_t off) { return read_bytes(loc, off, 1)[0]; }
  void write8(unsigned loc, uint32_t off, uint8_t v) { write_bytes(loc, off, {v}); }
  void write32(unsigned loc, uint32_t off, uint32_t v) {
    write_bytes(loc, off, {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)});
  }
  uint32_t sts(unsigned loc) { return read32(loc, MCTPM_TPM_STS); }
  void request_locality(unsigned loc) {
    write8(loc, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_REQUEST_USE);
    ASSERT_EQ(read8(loc, MCTPM_TPM_ACCESS) & MCTPM_TPM_ACCESS_ACTIVE, MCTPM_TPM_ACCESS_ACTIVE);
  }
  void command_ready(unsigned loc) {
    write8(loc, MCTPM_TPM_STS, MCTPM_TPM_STS_COMMAND_READY);
  }

  // Linux tpm_tis_send_data: all but the last byte in bursts of
  // min(burstCount, 64), Expect must be 1 after each; the last byte alone,
  // then Expect must be 0; then tpmGo.
  void linux_send(unsigned loc, const std::vector<uint8_t>& cmd, uint32_t fifo_off = MCTPM_TPM_DATA_FIFO) {
    command_ready(loc);
    ASSERT_NE(sts(loc) & MCTPM_TPM_STS_COMMAND_READY, 0u);
    size_t count = 0;
    while (count < cmd.size() - 1) {
      uint32_t burst = burst_of(sts(loc));
      ASSERT_GT(burst, 0u);
      size_t n = std::min<size_t>({burst, 64, cmd.size() - 1 - count});
      write_bytes(loc, fifo_off, std::vector<uint8_t>(cmd.begin() + count, cmd.begin() + count + n));
      count += n;
      uint32_t s = sts(loc);
      ASSERT_NE(s & MCTPM_TPM_STS_VALID, 0u);
      ASSERT_NE(s & MCTPM_TPM_STS_EXPECT, 0u) << "Expect dropped after " << count << " bytes";
    }
    write8(loc, fifo_off, cmd.back());
    uint32_t s = sts(loc);
    ASSERT_NE(s & MCTPM_TPM_STS_VALID, 0u);
    ASSERT_EQ(s & MCTPM_TPM_STS_EXPECT, 0u) << "Expect still set after the last byte";
    write8(loc, MCTPM_TPM_STS, MCTPM_TPM_STS_GO);
  }

  // Linux tpm_tis_recv: wait for dataAvail, 10-byte header, then the rest in
  // bursts; afterwards dataAvail must be 0.
  std::vector<uint8_t> linux_recv(unsigned loc) {
    std::vector<uint8_t> rsp;
    for (int i = 0; i < 1000 && !(sts(loc) & MCTPM_TPM_STS_DATA_AVAIL); ++i) sim_->run_sys_cycles(50);
    EXPECT_NE(sts(loc) & MCTPM_TPM_STS_DATA_AVAIL, 0u);
    rsp = read_bytes(loc, MCTPM_TPM_DATA_FIFO, 10);
    uint32_t size = uint32_t(rsp[2]) << 24 | rsp[3] << 16 | rsp[4] << 8 | rsp[5];
    EXPECT_LE(size, kBufSize) << "response size field";
    if (size > kBufSize) return rsp;
    while (rsp.size() < size) {
      uint32_t s = sts(loc);
      EXPECT_NE(s & MCTPM_TPM_STS_DATA_AVAIL, 0u) << "dataAvail dropped at " << rsp.size();
      uint32_t burst = burst_of(s);
      EXPECT_GT(burst, 0u);
      if (burst == 0) break;
      size_t n = std::min<size_t>({burst, 64, size - rsp.size()});
      auto part = read_bytes(loc, MCTPM_TPM_DATA_FIFO, n);
      rsp.insert(rsp.end(), part.begin(), part.end());
    }
    EXPECT_EQ(sts(loc) & MCTPM_TPM_STS_DATA_AVAIL, 0u) << "dataAvail still set after the response";
    return rsp;
  }

  // ---------------- firmware side: the bus ----------------
  uint32_t bus(bool we, uint32_t addr, uint32_t wdata = 0, uint8_t wstrb = 0xF) {
    top_->req_i = 1;
    top_->we_i = we;
    top_->addr_i = addr;
    top_->wdata_i = wdata;
    top_->wstrb_i = we ? wstrb : 0;
    sim_->eval();
    uint32_t r = 0;
    for (int i = 0;; ++i) {
      sim_->run_sys_cycles(1);
      if (top_->ack_o) {
        r = top_->rdata_o;
        break;
      }
      if (i > 20) {
        ADD_FAILURE() << "bus access to 0x" << std::hex << addr << " never acked";
        break;
      }
    }
    top_->req_i = 0;
    top_->we_i = 0;
    sim_->eval();
    sim_->run_sys_cycles(1);
    EXPECT_EQ(top_->ack_o, 0) << "ack longer than one cycle";
    return r;
  }
  uint32_t fw_read(uint32_t addr) { return bus(false, addr); }
  void fw_write(uint32_t addr, uint32_t v, uint8_t strb = 0xF) { bus(true, addr, v, strb); }
  uint32_t cmd_status() { return fw_read(MCTPM_TPMIF_CMD_STATUS); }
  static uint32_t cmd_len(uint32_t st) { return st >> 16; }

  std::vector<uint8_t> fw_read_command(size_t len) {
    std::vector<uint8_t> v;
    for (size_t i = 0; i < len; i += 4) {
      uint32_t w = fw_read(MCTPM_TPMIF_CMD_BUF + i);
      for (size_t k = 0; k < 4 && i + k < len; ++k) v.push_back(uint8_t(w >> (8 * k)));
    }
    return v;
  }
  void fw_write_response(const std::vector<uint8_t>& rsp) {
    for (size_t i = 0; i < rsp.size(); i += 4) {
      uint32_t w = 0;
      uint8_t strb = 0;
      for (size_t k = 0; k < 4 && i + k < rsp.size(); ++k) {
        w |= uint32_t(rsp[i + k]) << (8 * k);
        strb |= uint8_t(1u << k);
      }
      fw_write(MCTPM_TPMIF_RSP_BUF + i, w, strb);
    }
  }
  void fw_complete(const std::vector<uint8_t>& rsp) {
    fw_write_response(rsp);
    fw_write(MCTPM_TPMIF_RSP_LEN, uint32_t(rsp.size()));
  }
  void wait_cmd_pending() {
    for (int i = 0; i < 100 && !(cmd_status() & 1u); ++i) sim_->run_sys_cycles(10);
    ASSERT_NE(cmd_status() & 1u, 0u) << "no command pending";
  }

  // A TPM 2.0 command/response shaped byte string: tag, big-endian size at
  // bytes 2..5, then a pattern.
  static std::vector<uint8_t> tpm_blob(uint16_t tag, uint32_t size, uint8_t seed) {
    std::vector<uint8_t> v(size);
    for (uint32_t i = 0; i < size; ++i) v[i] = uint8_t(seed + i * 7 + (i >> 8));
    v[0] = uint8_t(tag >> 8);
    v[1] = uint8_t(tag);
    if (size >= 6) {
      v[2] = uint8_t(size >> 24);
      v[3] = uint8_t(size >> 16);
      v[4] = uint8_t(size >> 8);
      v[5] = uint8_t(size);
    }
    return v;
  }

  // One full round trip the Linux way, firmware answering `rsp`.
  void round_trip(unsigned loc, const std::vector<uint8_t>& cmd, const std::vector<uint8_t>& rsp) {
    linux_send(loc, cmd);
    wait_cmd_pending();
    uint32_t st = cmd_status();
    EXPECT_EQ(cmd_len(st), cmd.size());
    EXPECT_EQ((st >> 4) & 7u, loc);
    EXPECT_EQ(st & 6u, 0u) << "overflow/aborted set";
    EXPECT_EQ(fw_read_command(cmd.size()), cmd);
    fw_complete(rsp);
    EXPECT_EQ(linux_recv(loc), rsp);
    command_ready(loc);
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vspi_tpm> top_;
  std::unique_ptr<DualClockSim<Vspi_tpm>> sim_;
};

// ---------------------------------------------------------------------------

TEST_F(SpiTpmFrontend, FirmwareSeesNameAndVersion) {
  EXPECT_EQ(fw_read(MCTPM_REG_NAME0), 0x7370695Fu);  // "spi_"
  EXPECT_EQ(fw_read(MCTPM_REG_NAME1), 0x74706D20u);  // "tpm "
  EXPECT_EQ(fw_read(MCTPM_REG_VERSION), 0x00010000u);
  EXPECT_EQ(cmd_status(), 0u);
}

// Golden vector of a register read: DID_VID of locality 0.
TEST_F(SpiTpmFrontend, WaitStateOnLastHeaderByteThenPollEndsIt) {
  Frame f = xfer(true, spi_addr(0, MCTPM_TPM_DID_VID), 4);
  ASSERT_EQ(f.mosi.size(), 4u + f.polls + 4u);
  EXPECT_EQ(f.mosi[0], 0x83);
  EXPECT_EQ(f.mosi[1], 0xD4);
  EXPECT_EQ(f.mosi[2], 0x0F);
  EXPECT_EQ(f.mosi[3], 0x00);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(f.miso[i], 0x00) << "header byte " << i;  // byte 3 bit 0 = 0: wait
  EXPECT_GE(f.polls, 1);
  EXPECT_LE(f.polls, 3) << "the front end answers registers within a few polls";
  for (int i = 0; i < f.polls - 1; ++i) EXPECT_EQ(f.miso[4 + i], 0x00);
  EXPECT_EQ(f.miso[3 + f.polls], 0x01);
  const uint32_t didvid = (MCTPM_TPM_DID << 16) | MCTPM_TPM_VID;
  std::vector<uint8_t> want = {uint8_t(didvid), uint8_t(didvid >> 8), uint8_t(didvid >> 16),
                               uint8_t(didvid >> 24)};
  EXPECT_EQ(f.data, want);
  print_transcript("DID_VID read", f);
  // Bytes past a register word read 0xFF; MISO idles low between frames.
  auto six = read_bytes(0, MCTPM_TPM_DID_VID, 6);
  EXPECT_EQ(six[4], 0xFF);
  EXPECT_EQ(six[5], 0xFF);
  EXPECT_EQ(top_->spi_miso_o, 0);
  // A 64-byte read still ends its wait state and returns the word, then 0xFF.
  auto big = read_bytes(1, MCTPM_TPM_INTF_CAPABILITY, 64);
  EXPECT_EQ(big[0], uint8_t(MCTPM_TPM_INTF_CAPABILITY_VALUE));
  for (int i = 4; i < 64; ++i) ASSERT_EQ(big[i], 0xFF);
}

// With a system clock far slower than SCLK the answer takes several poll
// bytes: the host must see 0x00 polls until the answer is really there.
TEST_F(SpiTpmFrontend, WaitStatePollsUntilSlowSystemClockAnswers) {
  sim_ = std::make_unique<DualClockSim<Vspi_tpm>>(*top_, 2000000, g_spi_hz);
  sim_->reset(5);
  Frame f = xfer(true, spi_addr(0, MCTPM_TPM_DID_VID), 4);
  EXPECT_GE(f.polls, 2);
  for (int i = 0; i < f.polls - 1; ++i) EXPECT_EQ(f.miso[4 + i], 0x00);
  EXPECT_EQ(read32(0, MCTPM_TPM_DID_VID), (MCTPM_TPM_DID << 16) | MCTPM_TPM_VID);
  request_locality(0);
  round_trip(0, tpm_blob(0x8001, 77, 0x10), tpm_blob(0x8001, 99, 0x20));
}

TEST_F(SpiTpmFrontend, RegistersReadInEveryLocality) {
  const uint32_t access_idle = MCTPM_TPM_ACCESS_VALID | MCTPM_TPM_ACCESS_ESTABLISHMENT;
  for (unsigned loc = 0; loc < MCTPM_TPM_SPI_LOCALITIES; ++loc) {
    SCOPED_TRACE("locality " + std::to_string(loc));
    EXPECT_EQ(read8(loc, MCTPM_TPM_ACCESS), access_idle);
    EXPECT_EQ(read32(loc, MCTPM_TPM_INT_ENABLE), 0x00000008u);  // level low, all disabled
    EXPECT_EQ(read32(loc, MCTPM_TPM_INT_VECTOR), 0u);
    EXPECT_EQ(read32(loc, MCTPM_TPM_INT_STATUS), 0u);
    EXPECT_EQ(read32(loc, MCTPM_TPM_INTF_CAPABILITY), MCTPM_TPM_INTF_CAPABILITY_VALUE);
    EXPECT_EQ(sts(loc), 0xFFFFFFFFu) << "STS of a non-active locality";
    EXPECT_EQ(read32(loc, MCTPM_TPM_INTERFACE_ID), MCTPM_TPM_INTERFACE_ID_VALUE);
    EXPECT_EQ(read32(loc, MCTPM_TPM_DID_VID), (MCTPM_TPM_DID << 16) | MCTPM_TPM_VID);
    EXPECT_EQ(read8(loc, MCTPM_TPM_RID), MCTPM_TPM_RID_VALUE);
    EXPECT_EQ(read8(loc, MCTPM_TPM_DATA_FIFO), 0xFF) << "FIFO without a response";
    for (uint32_t off : {0x004u, 0x01Cu, 0x040u, 0x0C0u, 0x500u, 0xF08u, 0xFFCu})
      EXPECT_EQ(read32(loc, off), 0xFFFFFFFFu) << "unmapped offset 0x" << std::hex << off;
  }
  // Outside the TPM's address range: locality 5..15 and foreign addresses.
  auto f = xfer(true, MCTPM_TPM_SPI_ADDR_BASE + (5u << 12) + MCTPM_TPM_DID_VID, 4);
  EXPECT_EQ(f.data, std::vector<uint8_t>(4, 0xFF));
  f = xfer(true, 0xD30000 + MCTPM_TPM_DID_VID, 4);
  EXPECT_EQ(f.data, std::vector<uint8_t>(4, 0xFF));

  // STS of the active locality: fixed bits, family, burstCount per state.
  request_locality(3);
  uint32_t s = sts(3);
  EXPECT_EQ(s, kStsFixed) << std::hex << s;  // Idle: no commandReady, burstCount 0
  EXPECT_EQ((s >> 26) & 3u, 1u) << "tpmFamily = TPM 2.0";
  command_ready(3);
  s = sts(3);
  EXPECT_EQ(s, kStsFixed | MCTPM_TPM_STS_COMMAND_READY | (kBufSize << MCTPM_TPM_STS_BURST_SHIFT));
  fw_write(MCTPM_TPMIF_FW_FLAGS, 1);
  EXPECT_EQ(fw_read(MCTPM_TPMIF_FW_FLAGS), 1u);
  EXPECT_NE(sts(3) & MCTPM_TPM_STS_SELFTEST_DONE, 0u);
  // Byte-wise reads of STS agree with the word (Linux reads STS as one byte
  // and burstCount as part of a word).
  EXPECT_EQ(read8(3, MCTPM_TPM_STS), uint8_t(sts(3)));
  auto b = read_bytes(3, MCTPM_TPM_STS + 1, 2);
  EXPECT_EQ(uint32_t(b[0] | b[1] << 8), kBufSize);
  EXPECT_EQ(sts(2), 0xFFFFFFFFu);
  EXPECT_EQ(read8(2, MCTPM_TPM_ACCESS), access_idle);
}

TEST_F(SpiTpmFrontend, LocalityRequestRelinquishPendingSeize) {
  using A = uint8_t;
  const A valid = MCTPM_TPM_ACCESS_VALID | MCTPM_TPM_ACCESS_ESTABLISHMENT;
  const A active = MCTPM_TPM_ACCESS_ACTIVE, req = MCTPM_TPM_ACCESS_REQUEST_USE;
  const A pend = MCTPM_TPM_ACCESS_PENDING, seized = MCTPM_TPM_ACCESS_BEEN_SEIZED;
  write8(0, MCTPM_TPM_ACCESS, req);
  EXPECT_EQ(read8(0, MCTPM_TPM_ACCESS), valid | active);
  write8(2, MCTPM_TPM_ACCESS, req);  // pending: 0 is active
  EXPECT_EQ(read8(2, MCTPM_TPM_ACCESS), valid | req);
  EXPECT_EQ(read8(0, MCTPM_TPM_ACCESS), valid | active | pend);
  write8(0, MCTPM_TPM_ACCESS, active);  // relinquish: 2 gets it
  EXPECT_EQ(read8(0, MCTPM_TPM_ACCESS), valid);
  EXPECT_EQ(read8(2, MCTPM_TPM_ACCESS), valid | active);
  write8(1, MCTPM_TPM_ACCESS, req);
  write8(3, MCTPM_TPM_ACCESS, req);
  EXPECT_EQ(read8(2, MCTPM_TPM_ACCESS), valid | active | pend);
  write8(2, MCTPM_TPM_ACCESS, active);  // highest pending (3) wins over 1
  EXPECT_EQ(read8(3, MCTPM_TPM_ACCESS), valid | active | pend);
  EXPECT_EQ(read8(1, MCTPM_TPM_ACCESS), valid | req);
  write8(0, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_SEIZE);  // lower than 3: ignored
  EXPECT_EQ(read8(3, MCTPM_TPM_ACCESS), valid | active | pend);
  write8(4, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_SEIZE);  // higher: takes over
  EXPECT_EQ(read8(4, MCTPM_TPM_ACCESS), valid | active | pend);
  EXPECT_EQ(read8(3, MCTPM_TPM_ACCESS), valid | seized | pend);
  write8(3, MCTPM_TPM_ACCESS, seized);  // write 1 clears beenSeized
  EXPECT_EQ(read8(3, MCTPM_TPM_ACCESS), valid | pend);
  write8(1, MCTPM_TPM_ACCESS, active);  // withdraw the pending request
  EXPECT_EQ(read8(1, MCTPM_TPM_ACCESS), valid);
  EXPECT_EQ(read8(4, MCTPM_TPM_ACCESS), valid | active);
  write8(4, MCTPM_TPM_ACCESS, active);  // nobody pending: none active
  for (unsigned loc = 0; loc < 5; ++loc) EXPECT_EQ(read8(loc, MCTPM_TPM_ACCESS), valid);
  // A 4-byte write whose byte 0 is ACCESS acts like the byte write.
  write32(1, MCTPM_TPM_ACCESS, req);
  EXPECT_EQ(read8(1, MCTPM_TPM_ACCESS), valid | active);
}

TEST_F(SpiTpmFrontend, LinuxStyleCommandAndResponse) {
  request_locality(0);
  auto cmd = tpm_blob(0x8001, 203, 0x11);
  auto rsp = tpm_blob(0x8001, 700, 0x5A);
  round_trip(0, cmd, rsp);
  EXPECT_NE(sts(0) & MCTPM_TPM_STS_COMMAND_READY, 0u);
  EXPECT_EQ(burst_of(sts(0)), kBufSize);
  // A second command in another locality, after relinquishing.
  write8(0, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_ACTIVE);
  request_locality(2);
  round_trip(2, tpm_blob(0x8002, 12, 0x33), tpm_blob(0x8001, 10, 0x44));
  // Largest command and response the buffers hold.
  round_trip(2, tpm_blob(0x8002, kBufSize, 0x77), tpm_blob(0x8002, kBufSize, 0x99));
}

TEST_F(SpiTpmFrontend, WritesSplitAcrossManyFrames) {
  request_locality(1);
  auto cmd = tpm_blob(0x8001, 150, 0x21);
  // 1-byte frames for the header, odd sizes after it, XDATA_FIFO at the end.
  command_ready(1);
  size_t pos = 0;
  for (; pos < 10; ++pos) {
    write8(1, MCTPM_TPM_DATA_FIFO, cmd[pos]);
    EXPECT_NE(sts(1) & MCTPM_TPM_STS_EXPECT, 0u) << pos;
  }
  EXPECT_EQ(burst_of(sts(1)), kBufSize - 10);
  for (size_t n : {3u, 7u, 13u, 1u, 5u, 11u}) {
    write_bytes(1, MCTPM_TPM_DATA_FIFO + (pos & 3), {cmd.begin() + pos, cmd.begin() + pos + n});
    pos += n;
    EXPECT_NE(sts(1) & MCTPM_TPM_STS_EXPECT, 0u) << pos;
  }
  write_bytes(1, MCTPM_TPM_XDATA_FIFO, {cmd.begin() + pos, cmd.begin() + pos + 64});
  pos += 64;
  EXPECT_NE(sts(1) & MCTPM_TPM_STS_EXPECT, 0u);
  write_bytes(1, MCTPM_TPM_XDATA_FIFO_END - 5, {cmd.begin() + pos, cmd.end()});
  EXPECT_EQ(sts(1) & MCTPM_TPM_STS_EXPECT, 0u);
  write8(1, MCTPM_TPM_STS, MCTPM_TPM_STS_GO);
  wait_cmd_pending();
  EXPECT_EQ(cmd_len(cmd_status()), cmd.size());
  EXPECT_EQ(fw_read_command(cmd.size()), cmd);
  // Response read back in odd pieces and from XDATA_FIFO.
  auto rsp = tpm_blob(0x8001, 131, 0x61);
  fw_complete(rsp);
  std::vector<uint8_t> got;
  for (size_t n : {1u, 9u, 64u}) {
    auto p = read_bytes(1, MCTPM_TPM_XDATA_FIFO + 3, n);
    got.insert(got.end(), p.begin(), p.end());
  }
  EXPECT_EQ(burst_of(sts(1)), rsp.size() - got.size());
  auto p = read_bytes(1, MCTPM_TPM_DATA_FIFO, 64);  // 57 left: the rest read 0xFF
  got.insert(got.end(), p.begin(), p.begin() + 57);
  for (size_t i = 57; i < 64; ++i) EXPECT_EQ(p[i], 0xFF);
  EXPECT_EQ(got, rsp);
  EXPECT_EQ(sts(1) & MCTPM_TPM_STS_DATA_AVAIL, 0u);
}

TEST_F(SpiTpmFrontend, CommandReadyAbortsReceptionAndNextCommandIsClean) {
  request_locality(0);
  auto junk = tpm_blob(0x8001, 300, 0x01);
  command_ready(0);
  write_bytes(0, MCTPM_TPM_DATA_FIFO, {junk.begin(), junk.begin() + 64});
  write_bytes(0, MCTPM_TPM_DATA_FIFO, {junk.begin() + 64, junk.begin() + 100});
  EXPECT_EQ(burst_of(sts(0)), kBufSize - 100);
  command_ready(0);  // abort
  uint32_t s = sts(0);
  EXPECT_NE(s & MCTPM_TPM_STS_COMMAND_READY, 0u);
  EXPECT_EQ(s & MCTPM_TPM_STS_EXPECT, 0u);
  EXPECT_EQ(burst_of(s), kBufSize);
  EXPECT_EQ(cmd_status() & 1u, 0u);
  round_trip(0, tpm_blob(0x8001, 40, 0x90), tpm_blob(0x8001, 20, 0x80));
}

TEST_F(SpiTpmFrontend, CommandReadyDuringExecutionDiscardsResponse) {
  request_locality(0);
  linux_send(0, tpm_blob(0x8001, 30, 0x10));
  wait_cmd_pending();
  EXPECT_EQ(cmd_status() & 4u, 0u);
  command_ready(0);  // host gives up while the firmware works
  uint32_t st = cmd_status();
  EXPECT_EQ(st & 5u, 5u) << "pending and aborted";
  EXPECT_EQ(sts(0) & (MCTPM_TPM_STS_COMMAND_READY | MCTPM_TPM_STS_DATA_AVAIL), 0u);
  fw_complete(tpm_blob(0x8001, 10, 0x20));
  uint32_t s = sts(0);
  EXPECT_NE(s & MCTPM_TPM_STS_COMMAND_READY, 0u) << "Ready once the firmware finished";
  EXPECT_EQ(s & MCTPM_TPM_STS_DATA_AVAIL, 0u) << "aborted response discarded";
  EXPECT_EQ(read8(0, MCTPM_TPM_DATA_FIFO), 0xFF);
  EXPECT_EQ(cmd_status() & 7u, 0u);
  round_trip(0, tpm_blob(0x8001, 33, 0x30), tpm_blob(0x8001, 44, 0x40));
}

TEST_F(SpiTpmFrontend, ResponseRetryRestartsTheResponse) {
  request_locality(0);
  linux_send(0, tpm_blob(0x8001, 20, 0x10));
  wait_cmd_pending();
  auto rsp = tpm_blob(0x8001, 100, 0x55);
  fw_complete(rsp);
  auto first = read_bytes(0, MCTPM_TPM_DATA_FIFO, 30);
  EXPECT_EQ(std::vector<uint8_t>(rsp.begin(), rsp.begin() + 30), first);
  write8(0, MCTPM_TPM_STS, MCTPM_TPM_STS_RESPONSE_RETRY);
  EXPECT_EQ(burst_of(sts(0)), rsp.size());
  EXPECT_EQ(linux_recv(0), rsp);
  write8(0, MCTPM_TPM_STS, MCTPM_TPM_STS_RESPONSE_RETRY);  // again, after the end
  EXPECT_EQ(linux_recv(0), rsp);
}

TEST_F(SpiTpmFrontend, SizeFieldLargerThanBufferSetsOverflow) {
  request_locality(0);
  auto cmd = tpm_blob(0x8001, kBufSize + 200, 0x42);
  cmd[2] = 0x00;  // size field 0x00001100 > buffer
  command_ready(0);
  size_t sent = 0;
  while (sent < kBufSize) {
    uint32_t s = sts(0);
    if (sent > 0) ASSERT_NE(s & MCTPM_TPM_STS_EXPECT, 0u) << sent;
    ASSERT_EQ(burst_of(s), kBufSize - sent);
    write_bytes(0, MCTPM_TPM_DATA_FIFO, {cmd.begin() + sent, cmd.begin() + sent + 64});
    sent += 64;
  }
  uint32_t s = sts(0);
  EXPECT_EQ(s & MCTPM_TPM_STS_EXPECT, 0u) << "a full buffer expects nothing more";
  EXPECT_EQ(cmd_status() & 2u, 0u);
  write_bytes(0, MCTPM_TPM_DATA_FIFO, {cmd.begin() + sent, cmd.begin() + sent + 64});  // dropped
  EXPECT_EQ(burst_of(sts(0)), 0u);
  write8(0, MCTPM_TPM_STS, MCTPM_TPM_STS_GO);
  wait_cmd_pending();
  uint32_t st = cmd_status();
  EXPECT_EQ(st & 2u, 2u) << "overflow";
  EXPECT_EQ(cmd_len(st), kBufSize);
  EXPECT_EQ(fw_read_command(kBufSize), std::vector<uint8_t>(cmd.begin(), cmd.begin() + kBufSize));
  auto rsp = tpm_blob(0x8001, 10, 0x01);
  fw_complete(rsp);
  EXPECT_EQ(linux_recv(0), rsp);
  command_ready(0);
  EXPECT_EQ(cmd_status() & 2u, 0u) << "overflow cleared by commandReady";
  round_trip(0, tpm_blob(0x8001, 64, 0x12), tpm_blob(0x8001, 64, 0x13));
}

TEST_F(SpiTpmFrontend, CsRisingMidFrameNeverWedges) {
  request_locality(0);
  command_ready(0);
  // CS rises inside the header.
  sim_->cs_assert();
  sim_->spi_byte(0x03);
  sim_->spi_bits(0xD4, 5);
  sim_->cs_release();
  EXPECT_EQ(read32(0, MCTPM_TPM_DID_VID), (MCTPM_TPM_DID << 16) | MCTPM_TPM_VID);
  // CS rises after the header, during the wait state.
  sim_->cs_assert();
  for (uint8_t b : {0x03, 0xD4, 0x00, 0x24}) sim_->spi_byte(b);
  sim_->cs_release();
  EXPECT_EQ(burst_of(sts(0)), kBufSize) << "no data bytes, nothing written";
  // CS rises in the middle of the third data byte of a FIFO write: two bytes count.
  auto cmd = tpm_blob(0x8001, 12, 0x66);
  sim_->cs_assert();
  for (uint8_t b : {0x03, 0xD4, 0x00, 0x24}) sim_->spi_byte(b);
  poll_until_ready();
  sim_->spi_byte(cmd[0]);
  sim_->spi_byte(cmd[1]);
  sim_->spi_bits(0xEE, 3);
  sim_->cs_release();
  EXPECT_EQ(burst_of(sts(0)), kBufSize - 2);
  // CS rises in the middle of a register read: the next frame is normal.
  sim_->cs_assert();
  for (uint8_t b : {0x83, 0xD4, 0x0F, 0x00}) sim_->spi_byte(b);
  poll_until_ready();
  sim_->spi_bits(0, 4);
  sim_->cs_release();
  EXPECT_EQ(read32(0, MCTPM_TPM_DID_VID), (MCTPM_TPM_DID << 16) | MCTPM_TPM_VID);
  // The command continues where the complete bytes ended.
  write_bytes(0, MCTPM_TPM_DATA_FIFO, {cmd.begin() + 2, cmd.end()});
  EXPECT_EQ(sts(0) & MCTPM_TPM_STS_EXPECT, 0u);
  write8(0, MCTPM_TPM_STS, MCTPM_TPM_STS_GO);
  wait_cmd_pending();
  EXPECT_EQ(fw_read_command(cmd.size()), cmd);
  fw_complete(tpm_blob(0x8001, 10, 0));
  linux_recv(0);
}

// A CS-high pulse shorter than a clk_i cycle can escape the synchroniser; the
// next frame's request must then commit the previous frame first (with the
// phy's prev_count) so nothing is lost or double counted.
TEST_F(SpiTpmFrontend, GlitchShortCsHighBetweenFramesLosesNothing) {
  request_locality(0);
  command_ready(0);
  uint32_t expected_burst = kBufSize;
  for (int k = 0; k < 12; ++k) {
    sim_->advance_ns(3 * k + 1);  // vary the phase against clk_i
    // Frame A: 3 FIFO bytes.
    sim_->cs_assert();
    for (uint8_t b : {0x02, 0xD4, 0x00, 0x24}) sim_->spi_byte(b);
    poll_until_ready();
    for (int i = 0; i < 3; ++i) sim_->spi_byte(uint8_t(0x80 + i));
    // CS high for only 4 ns, then frame B (STS read) straight away.
    sim_->advance_ns(15);
    top_->spi_cs_ni = 1;
    sim_->eval();
    sim_->advance_ns(4);
    top_->spi_cs_ni = 0;
    sim_->eval();
    sim_->advance_ns(15);
    for (uint8_t b : {0x83, 0xD4, 0x00, 0x18}) sim_->spi_byte(b);
    poll_until_ready();
    uint32_t st = 0;
    for (int i = 0; i < 4; ++i) st |= uint32_t(sim_->spi_byte(0)) << (8 * i);
    sim_->cs_release();
    expected_burst -= 3;
    ASSERT_EQ(burst_of(st), expected_burst) << "iteration " << k;
  }
  EXPECT_EQ(burst_of(sts(0)), expected_burst);
}

TEST_F(SpiTpmFrontend, NonActiveLocalityIsIgnored) {
  request_locality(0);
  write8(1, MCTPM_TPM_STS, MCTPM_TPM_STS_COMMAND_READY);
  EXPECT_EQ(sts(0) & MCTPM_TPM_STS_COMMAND_READY, 0u) << "commandReady from locality 1";
  command_ready(0);
  write_bytes(1, MCTPM_TPM_DATA_FIFO, {0x80, 0x01, 0, 0, 0, 0x20});
  EXPECT_EQ(burst_of(sts(0)), kBufSize) << "FIFO write from locality 1";
  EXPECT_EQ(sts(1), 0xFFFFFFFFu);
  linux_send(0, tpm_blob(0x8001, 20, 0x01));
  write8(1, MCTPM_TPM_STS, MCTPM_TPM_STS_COMMAND_READY);  // no abort from 1
  wait_cmd_pending();
  EXPECT_EQ(cmd_status() & 4u, 0u);
  auto rsp = tpm_blob(0x8001, 16, 0x02);
  fw_complete(rsp);
  EXPECT_EQ(read_bytes(1, MCTPM_TPM_DATA_FIFO, 4), std::vector<uint8_t>(4, 0xFF));
  write8(1, MCTPM_TPM_STS, MCTPM_TPM_STS_RESPONSE_RETRY);
  EXPECT_EQ(linux_recv(0), rsp);
}

TEST_F(SpiTpmFrontend, PirqForDataAvailWhenEnabled) {
  request_locality(0);
  EXPECT_EQ(top_->pirq_no, 1);
  // Enabled without the global bit: status latches, PIRQ# stays high.
  write32(0, MCTPM_TPM_INT_ENABLE, MCTPM_TPM_INT_DATA_AVAIL);
  EXPECT_EQ(read32(0, MCTPM_TPM_INT_ENABLE), MCTPM_TPM_INT_DATA_AVAIL | 0x8u);
  linux_send(0, tpm_blob(0x8001, 20, 0x01));
  wait_cmd_pending();
  fw_complete(tpm_blob(0x8001, 10, 0x02));
  sim_->run_sys_cycles(5);
  EXPECT_EQ(top_->pirq_no, 1);
  EXPECT_EQ(read32(0, MCTPM_TPM_INT_STATUS), MCTPM_TPM_INT_DATA_AVAIL);
  write32(0, MCTPM_TPM_INT_STATUS, MCTPM_TPM_INT_DATA_AVAIL);  // write 1 clears
  EXPECT_EQ(read32(0, MCTPM_TPM_INT_STATUS), 0u);
  linux_recv(0);
  // Global enable: PIRQ# goes low on dataAvail and high when cleared.
  write32(0, MCTPM_TPM_INT_ENABLE, MCTPM_TPM_INT_GLOBAL_ENABLE | MCTPM_TPM_INT_DATA_AVAIL);
  linux_send(0, tpm_blob(0x8001, 20, 0x03));
  wait_cmd_pending();
  sim_->run_sys_cycles(5);
  EXPECT_EQ(top_->pirq_no, 1) << "no interrupt before the response";
  fw_complete(tpm_blob(0x8001, 10, 0x04));
  sim_->run_sys_cycles(5);
  EXPECT_EQ(top_->pirq_no, 0) << "PIRQ# for dataAvail";
  EXPECT_EQ(read32(0, MCTPM_TPM_INT_STATUS), MCTPM_TPM_INT_DATA_AVAIL);
  write8(0, MCTPM_TPM_INT_STATUS, MCTPM_TPM_INT_DATA_AVAIL);
  sim_->run_sys_cycles(5);
  EXPECT_EQ(top_->pirq_no, 1);
  // Locality change and commandReady interrupts when enabled.
  write32(0, MCTPM_TPM_INT_ENABLE,
          MCTPM_TPM_INT_GLOBAL_ENABLE | MCTPM_TPM_INT_LOCALITY_CHANGE | MCTPM_TPM_INT_COMMAND_READY);
  linux_recv(0);
  command_ready(0);
  EXPECT_EQ(read32(0, MCTPM_TPM_INT_STATUS), MCTPM_TPM_INT_COMMAND_READY);
  EXPECT_EQ(top_->pirq_no, 0);
  write8(0, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_ACTIVE);
  EXPECT_EQ(read32(0, MCTPM_TPM_INT_STATUS), MCTPM_TPM_INT_COMMAND_READY | MCTPM_TPM_INT_LOCALITY_CHANGE);
  write32(0, MCTPM_TPM_INT_STATUS, 0xFFFFFFFFu);
  sim_->run_sys_cycles(5);
  EXPECT_EQ(top_->pirq_no, 1);
}

TEST_F(SpiTpmFrontend, ExecCyclesCountTpmGoToRspLen) {
  request_locality(0);
  linux_send(0, tpm_blob(0x8001, 20, 0x01));
  wait_cmd_pending();
  const uint64_t start = sim_->sys_cycles();
  sim_->run_sys_cycles(5000);
  fw_write_response(tpm_blob(0x8001, 10, 0x02));
  fw_write(MCTPM_TPMIF_RSP_LEN, 10);
  const uint64_t elapsed = sim_->sys_cycles() - start;
  const uint32_t exec = fw_read(MCTPM_TPMIF_EXEC_CYCLES);
  EXPECT_GE(exec, elapsed);
  EXPECT_LE(exec, elapsed + 2000) << "tpmGo commit to wait_cmd_pending is short";
  linux_recv(0);
  EXPECT_EQ(fw_read(MCTPM_TPMIF_EXEC_CYCLES), exec) << "holds the last command's count";
}

// ---- ring trap (rtl/ring): the front end's half of the contract ----

std::vector<uint8_t> mgmt_command(uint32_t cc, uint32_t size = 10) {
  std::vector<uint8_t> v(size, 0x00);
  v[0] = 0x80;
  v[1] = 0x01;
  v[2] = uint8_t(size >> 24);
  v[3] = uint8_t(size >> 16);
  v[4] = uint8_t(size >> 8);
  v[5] = uint8_t(size);
  if (size >= 10) {
    v[6] = uint8_t(cc >> 24);
    v[7] = uint8_t(cc >> 16);
    v[8] = uint8_t(cc >> 8);
    v[9] = uint8_t(cc);
  }
  return v;
}

std::vector<uint8_t> trapped_response() {
  const uint32_t rc = MCTPM_MGMT_RC_TRAPPED;
  return {0x80, 0x01, 0x00, 0x00, 0x00, 0x0A, uint8_t(rc >> 24), uint8_t(rc >> 16), uint8_t(rc >> 8), uint8_t(rc)};
}

TEST_F(SpiTpmFrontend, CommandCodeFromBytes6To9GoesToRingControlAtTpmGo) {
  count_ring_pulses();
  request_locality(0);
  // Written in one burst.
  round_trip(0, mgmt_command(MCTPM_MGMT_CC_LAUNCH, 11), tpm_blob(0x8001, 14, 0x01));
  EXPECT_EQ(go_pulses_, 1);
  EXPECT_EQ(go_cc_, uint32_t(MCTPM_MGMT_CC_LAUNCH));
  EXPECT_EQ(rsp_done_pulses_, 1);
  // Split across frames in the middle of the code.
  auto cmd = mgmt_command(0x12345678u, 30);
  command_ready(0);
  write_bytes(0, MCTPM_TPM_DATA_FIFO, {cmd.begin(), cmd.begin() + 7});
  write_bytes(0, MCTPM_TPM_DATA_FIFO, {cmd.begin() + 7, cmd.begin() + 9});
  write_bytes(0, MCTPM_TPM_DATA_FIFO, {cmd.begin() + 9, cmd.end()});
  write8(0, MCTPM_TPM_STS, MCTPM_TPM_STS_GO);
  wait_cmd_pending();
  EXPECT_EQ(go_pulses_, 2);
  EXPECT_EQ(go_cc_, 0x12345678u);
  EXPECT_EQ(top_->cmd_cc_o, 0x12345678u) << "the pending command's code, for the entry rule";
  EXPECT_EQ(top_->cmd_pending_o, 1);
  fw_complete(tpm_blob(0x8001, 10, 0x02));
  EXPECT_EQ(rsp_done_pulses_, 2);
  linux_recv(0);
  // RSP_LEN with no command pending is not a response handed over.
  fw_write(MCTPM_TPMIF_RSP_LEN, 10);
  EXPECT_EQ(rsp_done_pulses_, 2);
  // A command too short to carry a code shows 0, not the previous code.
  round_trip(0, mgmt_command(0, 8), tpm_blob(0x8001, 10, 0x03));
  EXPECT_EQ(go_pulses_, 3);
  EXPECT_EQ(go_cc_, 0u);
}

TEST_F(SpiTpmFrontend, TrappedCommandIsAnsweredInHardwareAndNeverReachesFirmware) {
  count_ring_pulses();
  request_locality(0);
  // Fill the response buffer with something else: the trap answer must not come from it.
  round_trip(0, tpm_blob(0x8001, 20, 0x01), tpm_blob(0x8001, 64, 0xEE));
  top_->trap_i = 1;  // ring control: CR0 = 1 and the code is in the management page
  linux_send(0, mgmt_command(MCTPM_MGMT_CC_GET_STATE));
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(cmd_status() & 1u, 0u) << "the firmware sees the trapped command";
    sim_->run_sys_cycles(20);
  }
  EXPECT_EQ(go_pulses_, 2);
  uint32_t s = sts(0);
  EXPECT_NE(s & MCTPM_TPM_STS_DATA_AVAIL, 0u);
  EXPECT_EQ(burst_of(s), 10u);
  top_->trap_i = 0;
  EXPECT_EQ(linux_recv(0), trapped_response());
  EXPECT_EQ(rsp_done_pulses_, 1) << "only the firmware's own response counts";
  // INT_STATUS.ringTrap is set even without enable; PIRQ# stays high then.
  EXPECT_EQ(read32(0, MCTPM_TPM_INT_STATUS), uint32_t(MCTPM_TPM_INT_RING_TRAP));
  EXPECT_EQ(top_->pirq_no, 1);
  write32(0, MCTPM_TPM_INT_STATUS, MCTPM_TPM_INT_RING_TRAP);
  EXPECT_EQ(read32(0, MCTPM_TPM_INT_STATUS), 0u);
  // responseRetry reads the trap answer again.
  write8(0, MCTPM_TPM_STS, MCTPM_TPM_STS_RESPONSE_RETRY);
  EXPECT_EQ(linux_recv(0), trapped_response());
  // The next command goes to the firmware, its response from the buffer.
  round_trip(0, tpm_blob(0x8001, 33, 0x30), tpm_blob(0x8001, 44, 0x40));
  // In another locality, with the interrupt enabled: PIRQ# until cleared.
  write8(0, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_ACTIVE);
  request_locality(2);
  write32(2, MCTPM_TPM_INT_ENABLE, MCTPM_TPM_INT_GLOBAL_ENABLE | MCTPM_TPM_INT_RING_TRAP);
  EXPECT_EQ(read32(2, MCTPM_TPM_INT_ENABLE),
            uint32_t(MCTPM_TPM_INT_GLOBAL_ENABLE | MCTPM_TPM_INT_RING_TRAP | 0x8u));
  top_->trap_i = 1;
  linux_send(2, mgmt_command(MCTPM_MGMT_CC_EXIT, 12));
  top_->trap_i = 0;
  sim_->run_sys_cycles(5);
  EXPECT_EQ(top_->pirq_no, 0) << "PIRQ# for ringTrap";
  EXPECT_EQ(linux_recv(2), trapped_response());
  EXPECT_EQ(cmd_status() & 1u, 0u);
  write8(2, MCTPM_TPM_INT_STATUS, MCTPM_TPM_INT_RING_TRAP);
  sim_->run_sys_cycles(5);
  EXPECT_EQ(top_->pirq_no, 1);
  command_ready(2);
  round_trip(2, tpm_blob(0x8001, 12, 0x50), tpm_blob(0x8001, 10, 0x60));
}

TEST_F(SpiTpmFrontend, RingStatusAndTrapCodeReadInEveryLocality) {
  top_->ring_cr0_i = 1;
  top_->ring_trap_count_i = 0x1234;
  top_->ring_trap_cc_i = MCTPM_MGMT_CC_RESUME;
  for (unsigned loc = 0; loc < MCTPM_TPM_SPI_LOCALITIES; ++loc) {
    SCOPED_TRACE("locality " + std::to_string(loc));
    EXPECT_EQ(read32(loc, MCTPM_MCTPM_RING_STATUS), 0x12340001u);
    EXPECT_EQ(read32(loc, MCTPM_MCTPM_TRAP_CC), uint32_t(MCTPM_MGMT_CC_RESUME));
    EXPECT_EQ(read8(loc, MCTPM_MCTPM_TRAP_CC + 1), uint8_t(MCTPM_MGMT_CC_RESUME >> 8));
  }
  write32(0, MCTPM_MCTPM_RING_STATUS, 0);  // read-only: the inputs decide
  top_->ring_cr0_i = 0;
  EXPECT_EQ(read32(1, MCTPM_MCTPM_RING_STATUS), 0x12340000u);
}

// Golden vectors for the README: a register write and FIFO write transcript.
TEST_F(SpiTpmFrontend, FifoWriteTranscript) {
  request_locality(0);
  command_ready(0);
  const uint8_t body[4] = {0x80, 0x01, 0x00, 0x00};
  Frame f = xfer(false, spi_addr(0, MCTPM_TPM_DATA_FIFO), 4, body);
  std::vector<uint8_t> mosi_head(f.mosi.begin(), f.mosi.begin() + 4);
  EXPECT_EQ(mosi_head, (std::vector<uint8_t>{0x03, 0xD4, 0x00, 0x24}));
  EXPECT_EQ(f.miso[3] & 1u, 0u);
  EXPECT_EQ(f.miso[3 + f.polls], 0x01);
  EXPECT_EQ(burst_of(sts(0)), kBufSize - 4);
  print_transcript("FIFO write", f);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--spi-hz=", 9) == 0) g_spi_hz = uint32_t(std::strtoul(argv[i] + 9, nullptr, 0));
  }
  std::printf("SPI clock %u Hz, system clock %u Hz\n", g_spi_hz, unsigned(MCTPM_SYS_CLOCK_HZ));
  return RUN_ALL_TESTS();
}
