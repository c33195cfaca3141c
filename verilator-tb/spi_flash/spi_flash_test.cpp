// Block-level test of the SPI NOR flash controller (rtl/spi_flash) against
// the file-backed flash model (verilator-tb/common/spi_flash_model.h), and of
// the firmware NV driver (firmware/soc/nv_flash.cpp) running on top of both.
//
// The harness drives the controller's bus one clock at a time and checks on
// every cycle the bus protocol (ack only for a request, never twice in a row)
// and the SPI pins (mode 0: SCK low whenever CS changes, MOSI changes only
// while SCK is low, SCK = clk/2 inside a frame, CS high long enough between
// frames). Each CTest runs one test of this file in its own process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vspi_flash.h"
#include "hal/clock.h"
#include "hal/nv.h"
#include "soc/mmio.h"
#include "soc_map.h"
#include "spi_flash_model.h"
#include "verilated.h"

namespace {

using Bytes = std::vector<uint8_t>;

constexpr size_t kFlashSize = 1u << 20;  // 1 MiB: RDID capacity byte 0x14
constexpr uint32_t kBuf = MCTPM_SPI_FLASH_BUF;
constexpr uint32_t kBufSize = MCTPM_SPI_FLASH_BUF_SIZE;
constexpr unsigned kCsHighCycles = 4;  // the wrapper's default CsHighCycles
constexpr uint8_t kOpPp = 0x02, kOpRead = 0x03, kOpRdsr = 0x05, kOpWren = 0x06, kOpSe = 0x20,
                  kOpRdid = 0x9F;

Bytes random_bytes(std::mt19937& rng, size_t n) {
  Bytes b(n);
  for (auto& v : b) v = static_cast<uint8_t>(rng());
  return b;
}

std::string temp_flash_path() {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  return testing::TempDir() + "mctpm_spi_flash_" + info->name() + "_" + std::to_string(::getpid()) +
         ".bin";
}

Bytes read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// The controller behind its bus wrapper, its pins wired to a flash model.
class Bench {
 public:
  explicit Bench(const std::string& path, size_t size = kFlashSize)
      : ctx_(std::make_unique<VerilatedContext>()), dut_(std::make_unique<Vspi_flash>(ctx_.get())) {
    open_model(path, size);
    dut_->clk_i = 0;
    dut_->rst_ni = 0;
    dut_->req_i = 0;
    dut_->addr_i = 0;
    dut_->we_i = 0;
    dut_->wdata_i = 0;
    dut_->wstrb_i = 0;
    dut_->flash_miso_i = 1;
    dut_->eval();
    for (int i = 0; i < 3; ++i) tick();
    dut_->rst_ni = 1;
    tick();
  }
  ~Bench() { dut_->final(); }

  void open_model(const std::string& path, size_t size) { model_ = std::make_unique<SpiFlashModel>(path, size); }
  void close_model() { model_.reset(); }
  SpiFlashModel& model() { return *model_; }
  // Without a model MISO is held at this level (a missing or dead chip).
  void set_floating_miso(bool level) { floating_miso_ = level; }

  // One clock cycle: falling then rising edge of clk_i; the model sees the
  // pins after the rising edge and MISO is fed back before the next one.
  void tick() {
    const bool req_at_edge = dut_->req_i;
    const bool ack_before = dut_->ack_o;
    dut_->clk_i = 0;
    dut_->eval();
    time_ps_ += half_period_ps_;
    dut_->clk_i = 1;
    dut_->eval();
    time_ps_ += half_period_ps_;
    ++cycle_;
    if (model_) {
      model_->eval(dut_->flash_sck_o, dut_->flash_cs_no, dut_->flash_mosi_o, time_ps_);
      dut_->flash_miso_i = model_->miso();
    } else {
      dut_->flash_miso_i = floating_miso_;
    }
    if (dut_->ack_o && !req_at_edge) fail("ack_o without req_i");
    if (dut_->ack_o && ack_before) fail("ack_o high two cycles in a row");
    check_pins();
  }

  uint32_t access(uint32_t addr, bool write, uint32_t wdata, uint8_t strb) {
    dut_->req_i = 1;
    dut_->addr_i = addr;
    dut_->we_i = write;
    dut_->wdata_i = wdata;
    dut_->wstrb_i = strb;
    for (int waited = 0;; ++waited) {
      tick();
      if (dut_->ack_o) break;
      if (waited > 8) {
        fail("no ack for address " + std::to_string(addr));
        break;
      }
    }
    dut_->req_i = 0;
    dut_->we_i = 0;
    return dut_->rdata_o;
  }
  uint32_t read(uint32_t addr) { return access(addr, false, 0, 0); }
  void write(uint32_t addr, uint32_t data, uint8_t strb = 0xf) { access(addr, true, data, strb); }
  void idle(unsigned cycles) {
    for (unsigned i = 0; i < cycles; ++i) tick();
  }

  bool busy() { return read(MCTPM_SPI_FLASH_STATUS) & MCTPM_SPI_FLASH_STATUS_BUSY; }

  // One controller frame, polled to completion. Returns the cycles from the
  // CTRL write to the STATUS read that showed idle.
  uint64_t frame(uint8_t opcode, uint32_t addr, bool with_addr, bool write_data, uint32_t len) {
    write(MCTPM_SPI_FLASH_CMD, opcode);
    write(MCTPM_SPI_FLASH_ADDR, addr);
    write(MCTPM_SPI_FLASH_LEN, len);
    write(MCTPM_SPI_FLASH_CTRL, MCTPM_SPI_FLASH_CTRL_GO | (with_addr ? MCTPM_SPI_FLASH_CTRL_ADDR : 0) |
                                    (write_data ? MCTPM_SPI_FLASH_CTRL_WRITE : 0));
    const uint64_t start = cycle_;
    while (busy()) {
      if (cycle_ - start > 100000) {
        fail("controller stays busy");
        break;
      }
    }
    return cycle_ - start;
  }

  void put_buf(const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; i += 4) {
      uint32_t w = 0;
      uint8_t strb = 0;
      for (size_t b = 0; b < 4 && i + b < n; ++b) {
        w |= uint32_t{p[i + b]} << (8 * b);
        strb |= uint8_t(1u << b);
      }
      write(kBuf + uint32_t(i), w, strb);
    }
  }
  Bytes get_buf(size_t n) {
    Bytes out;
    for (size_t i = 0; i < n; i += 4) {
      const uint32_t w = read(kBuf + uint32_t(i));
      for (size_t b = 0; b < 4 && i + b < n; ++b) out.push_back(uint8_t(w >> (8 * b)));
    }
    return out;
  }

  // ---- flash commands through the controller, as firmware issues them ----
  uint8_t status() {
    frame(kOpRdsr, 0, false, false, 1);
    return get_buf(1)[0];
  }
  void wait_idle() {
    for (int polls = 0; status() & 1; ++polls) {
      if (polls > 100000) {
        fail("WIP never clears");
        break;
      }
    }
  }
  void write_enable() { frame(kOpWren, 0, false, false, 0); }
  void erase_sector(uint32_t addr) {
    write_enable();
    frame(kOpSe, addr, true, false, 0);
    wait_idle();
  }
  void page_program(uint32_t addr, const Bytes& data) {
    put_buf(data.data(), data.size());
    write_enable();
    frame(kOpPp, addr, true, true, uint32_t(data.size()));
    wait_idle();
  }
  Bytes read_flash(uint32_t addr, size_t n) {
    Bytes out;
    while (n > 0) {
      const uint32_t chunk = n < kBufSize ? uint32_t(n) : kBufSize;
      frame(kOpRead, addr, true, false, chunk);
      const Bytes part = get_buf(chunk);
      out.insert(out.end(), part.begin(), part.end());
      addr += chunk;
      n -= chunk;
    }
    return out;
  }

  uint64_t cycle() const { return cycle_; }
  uint64_t time_ps() const { return time_ps_; }
  unsigned errors() const { return errors_; }
  void fail(const std::string& what) {
    if (errors_ < 20) ADD_FAILURE() << "cycle " << cycle_ << ": " << what;
    ++errors_;
  }

 private:
  // Mode 0 pin rules, checked after every rising edge of clk_i.
  void check_pins() {
    const bool sck = dut_->flash_sck_o, cs_n = dut_->flash_cs_no, mosi = dut_->flash_mosi_o;
    if (cs_n != prev_cs_n_ && (sck || prev_sck_)) fail("CS changed while SCK was high");
    if (cs_n && sck) fail("SCK high while CS is high");
    if (!cs_n && !prev_cs_n_ && mosi != prev_mosi_ && (sck || !prev_sck_)) {
      fail("MOSI changed other than with SCK falling");
    }
    if (!cs_n && sck && !prev_sck_) {
      if (prev_cs_n_) fail("SCK rose together with CS falling");
      if (last_rise_ != 0 && cycle_ - last_rise_ != 2) {
        fail("SCK period is " + std::to_string(cycle_ - last_rise_) + " cycles, want 2 (clk/2)");
      }
      last_rise_ = cycle_;
    }
    if (cs_n && !prev_cs_n_) cs_rise_ = cycle_;
    if (!cs_n && prev_cs_n_) {
      last_rise_ = 0;
      if (cs_rise_ != 0 && cycle_ - cs_rise_ < kCsHighCycles) fail("CS high for less than tSHSL");
    }
    prev_sck_ = sck;
    prev_cs_n_ = cs_n;
    prev_mosi_ = mosi;
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vspi_flash> dut_;
  std::unique_ptr<SpiFlashModel> model_;
  bool floating_miso_ = true;
  const uint64_t half_period_ps_ = 1000000000000ull / (2ull * MCTPM_SYS_CLOCK_HZ);
  uint64_t time_ps_ = 0;
  uint64_t cycle_ = 0;
  unsigned errors_ = 0;
  bool prev_sck_ = false, prev_cs_n_ = true, prev_mosi_ = false;
  uint64_t last_rise_ = 0, cs_rise_ = 0;
};

class SpiFlash : public testing::Test {
 protected:
  void SetUp() override {
    path_ = temp_flash_path();
    std::remove(path_.c_str());
  }
  void TearDown() override {
    if (bench_) {
      EXPECT_EQ(bench_->errors(), 0u) << "protocol or data errors (see above)";
    }
    bench_.reset();
    std::remove(path_.c_str());
  }
  Bench& bench(size_t size = kFlashSize) {
    if (!bench_) bench_ = std::make_unique<Bench>(path_, size);
    return *bench_;
  }

  std::string path_;
  std::unique_ptr<Bench> bench_;
  std::mt19937 rng_{0x5eedf1a5};
};

TEST_F(SpiFlash, ReportsNameAndVersion) {
  Bench& b = bench();
  std::string name;
  for (uint32_t reg : {MCTPM_REG_NAME0, MCTPM_REG_NAME1}) {
    const uint32_t w = b.read(reg);
    for (int shift = 24; shift >= 0; shift -= 8) name += char(w >> shift);
  }
  EXPECT_EQ(name, "spiflash");
  EXPECT_EQ(b.read(MCTPM_REG_VERSION), 0x00010000u);
  EXPECT_FALSE(b.busy());
}

TEST_F(SpiFlash, ReadsJedecId) {
  Bench& b = bench();
  b.frame(kOpRdid, 0, false, false, 3);
  EXPECT_EQ(b.get_buf(3), (Bytes{0xEF, 0x40, 0x14}));
  bench_.reset();
  std::remove(path_.c_str());
  Bench& big = bench(16u << 20);
  big.frame(kOpRdid, 0, false, false, 3);
  EXPECT_EQ(big.get_buf(3), (Bytes{0xEF, 0x40, 0x18}));
}

TEST_F(SpiFlash, ErasesProgramsAndReadsBackAcrossPages) {
  Bench& b = bench();
  const uint32_t base = 0x1000, len = 5000, start = base + 77;
  Bytes expect(2 * 4096 + 4096, 0xFF);  // sectors 1..3 (base .. base + 12 KiB)
  for (uint32_t s = 0; s < 3; ++s) b.erase_sector(base + s * 4096);
  EXPECT_EQ(b.model().erases(), 3u);
  const Bytes data = random_bytes(rng_, len);
  // Page by page, splitting at page boundaries (a PP wraps within its page).
  for (uint32_t off = 0; off < len;) {
    const uint32_t addr = start + off;
    const uint32_t n = std::min<uint32_t>(len - off, kBufSize - addr % kBufSize);
    b.page_program(addr, Bytes(data.begin() + off, data.begin() + off + n));
    off += n;
  }
  std::copy(data.begin(), data.end(), expect.begin() + 77);
  // Read back in chunks that start mid-page and cross page boundaries.
  Bytes got;
  for (uint32_t off = 0; off < expect.size();) {
    const uint32_t n = std::min<uint32_t>(uint32_t(expect.size()) - off, 200 + off % 57);
    const Bytes part = b.read_flash(base + off, n);
    got.insert(got.end(), part.begin(), part.end());
    off += n;
  }
  EXPECT_EQ(got, expect);
  EXPECT_TRUE(std::equal(expect.begin(), expect.end(), b.model().data() + base)) << "model array";
  // A 256-byte READ at an unaligned address, the largest frame.
  EXPECT_EQ(b.read_flash(start + 1000, kBufSize), Bytes(data.begin() + 1000, data.begin() + 1000 + kBufSize));
}

TEST_F(SpiFlash, PageProgramWrapsWithinPage) {
  Bench& b = bench();
  b.erase_sector(0x3000);
  const Bytes data = random_bytes(rng_, 16);
  b.page_program(0x3100 + 250, data);  // 6 bytes at 250..255, 10 wrap to 0..9
  const Bytes page = b.read_flash(0x3100, 256);
  EXPECT_EQ(Bytes(page.begin() + 250, page.end()), Bytes(data.begin(), data.begin() + 6));
  EXPECT_EQ(Bytes(page.begin(), page.begin() + 10), Bytes(data.begin() + 6, data.end()));
  EXPECT_EQ(Bytes(page.begin() + 10, page.begin() + 250), Bytes(240, 0xFF));
  EXPECT_EQ(b.read_flash(0x3200, 16), Bytes(16, 0xFF)) << "next page untouched";
}

TEST_F(SpiFlash, ProgramOnlyClearsBits) {
  Bench& b = bench();
  b.erase_sector(0x4000);
  b.page_program(0x4010, Bytes{0xF0, 0x0F, 0xAA, 0x00});
  b.page_program(0x4010, Bytes{0x3C, 0xFF, 0x55, 0xFF});
  EXPECT_EQ(b.read_flash(0x4010, 4), (Bytes{0x30, 0x0F, 0x00, 0x00}));
  b.erase_sector(0x4000 + 123);  // any address inside the sector
  EXPECT_EQ(b.read_flash(0x4000, 4096), Bytes(4096, 0xFF));
}

TEST_F(SpiFlash, RequiresWriteEnableAndClearsItAfterProgram) {
  Bench& b = bench();
  b.erase_sector(0x5000);
  EXPECT_EQ(b.status() & 2, 0) << "WEL still set after the erase finished";
  // PP without WREN: ignored.
  b.put_buf(Bytes{0x00, 0x00}.data(), 2);
  b.frame(kOpPp, 0x5000, true, true, 2);
  EXPECT_EQ(b.status() & 1, 0) << "PP without WREN started a program";
  EXPECT_EQ(b.read_flash(0x5000, 2), Bytes(2, 0xFF));
  b.write_enable();
  EXPECT_EQ(b.status(), 0x02) << "WREN sets WEL";
  b.put_buf(Bytes{0x00, 0x00}.data(), 2);  // RDSR received into BUF
  b.frame(kOpPp, 0x5000, true, true, 2);
  b.wait_idle();
  EXPECT_EQ(b.status(), 0x00) << "WEL cleared after the program";
  EXPECT_EQ(b.read_flash(0x5000, 2), Bytes(2, 0x00));
  // SE without WREN: ignored.
  b.frame(kOpSe, 0x5000, true, false, 0);
  b.wait_idle();
  EXPECT_EQ(b.read_flash(0x5000, 2), Bytes(2, 0x00));
}

TEST_F(SpiFlash, PollsWipUntilEraseAndProgramFinish) {
  Bench& b = bench();
  const SpiFlashModel::Timing timing;
  b.write_enable();
  const uint64_t start_ps = b.time_ps();
  b.frame(kOpSe, 0x6000, true, false, 0);  // CS rises (the erase starts) inside this
  EXPECT_EQ(b.status(), 0x03) << "WIP and WEL right after the erase starts";
  b.wait_idle();
  const uint64_t waited = b.time_ps() - start_ps;
  EXPECT_GE(waited, timing.sector_erase_ps);
  EXPECT_LE(waited, timing.sector_erase_ps + 20000000) << "WIP held far longer than modelled";
  // Commands other than RDSR are ignored while WIP: a READ during a program
  // sees a released MISO.
  b.put_buf(Bytes(8, 0x00).data(), 8);
  b.write_enable();
  b.frame(kOpPp, 0x6000, true, true, 8);
  EXPECT_EQ(b.status() & 1, 1);
  EXPECT_EQ(b.read_flash(0x6000, 8), Bytes(8, 0xFF)) << "READ answered while busy";
  b.wait_idle();
  EXPECT_EQ(b.read_flash(0x6000, 8), Bytes(8, 0x00));
}

TEST_F(SpiFlash, PersistsDataInTheFileAcrossModelReopen) {
  const Bytes data = random_bytes(rng_, 300);
  {
    Bench& b = bench();
    b.erase_sector(0x7000);
    b.page_program(0x7000, Bytes(data.begin(), data.begin() + 256));
    b.page_program(0x7100, Bytes(data.begin() + 256, data.end()));
    // The file already holds it while the model is open (a killed
    // simulator loses nothing).
    const Bytes file = read_file(path_);
    ASSERT_EQ(file.size(), kFlashSize);
    EXPECT_EQ(Bytes(file.begin() + 0x7000, file.begin() + 0x7000 + 300), data);
    b.close_model();
    b.idle(10);
    b.open_model(path_, 0);  // size taken from the file
    EXPECT_EQ(b.model().size(), kFlashSize);
    EXPECT_EQ(b.read_flash(0x7000, 300), data);
  }
  bench_.reset();  // a whole new controller and model
  EXPECT_EQ(bench().read_flash(0x7000, 300), data);
}

TEST_F(SpiFlash, ModelCreatesAnErasedFileAndChecksItsSize) {
  {
    SpiFlashModel m(path_, 64 * 1024);
    EXPECT_EQ(m.size(), 64u * 1024);
  }
  EXPECT_EQ(read_file(path_), Bytes(64 * 1024, 0xFF));
  EXPECT_THROW(SpiFlashModel(path_, 128 * 1024), std::runtime_error);
  EXPECT_THROW(SpiFlashModel(path_ + ".missing", 0), std::runtime_error);
  EXPECT_THROW(SpiFlashModel(path_ + ".odd", 100000), std::runtime_error);
  EXPECT_NO_THROW(SpiFlashModel(path_, 0));
}

TEST_F(SpiFlash, IgnoresUnknownOpcodes) {
  Bench& b = bench();
  b.erase_sector(0x8000);
  b.put_buf(Bytes(16, 0x00).data(), 16);
  for (uint8_t op : {0x5A, 0xAB, 0x42, 0x32}) {
    b.write_enable();
    b.frame(op, 0x8000, true, true, 16);
    EXPECT_EQ(b.status() & 1, 0) << "opcode " << int(op) << " started something";
  }
  EXPECT_EQ(b.model().programs(), 0u);
  EXPECT_EQ(b.read_flash(0x8000, 16), Bytes(16, 0xFF));
  b.frame(kOpRdid, 0, false, false, 3);
  EXPECT_EQ(b.get_buf(3), (Bytes{0xEF, 0x40, 0x14}));
}

// Register read-back, LEN clamping, buffer byte enables, writes ignored
// while busy, STATUS.busy during a frame (bus protocol checked every cycle).
TEST_F(SpiFlash, RegistersAndBufferFollowTheBusProtocol) {
  Bench& b = bench();
  b.write(MCTPM_SPI_FLASH_CMD, 0xFFFFFF5A);
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_CMD), 0x5Au);
  b.write(MCTPM_SPI_FLASH_ADDR, 0xFF123456);
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_ADDR), 0x123456u);
  b.write(MCTPM_SPI_FLASH_ADDR, 0x00AB0000, 0x4);
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_ADDR), 0xAB3456u) << "byte enables";
  b.write(MCTPM_SPI_FLASH_LEN, 256);
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_LEN), 256u);
  b.write(MCTPM_SPI_FLASH_LEN, 257);
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_LEN), 256u) << "LEN clamps to the buffer";
  b.write(MCTPM_SPI_FLASH_LEN, 0xFFFFFFFF);
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_LEN), 256u);
  b.write(MCTPM_SPI_FLASH_LEN, 7);
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_LEN), 7u);
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_CTRL), 0u);

  // Buffer: every word, then byte enables.
  std::vector<uint32_t> words(kBufSize / 4);
  for (auto& w : words) w = rng_();
  for (uint32_t i = 0; i < words.size(); ++i) b.write(kBuf + 4 * i, words[i]);
  for (uint32_t i = 0; i < words.size(); ++i) ASSERT_EQ(b.read(kBuf + 4 * i), words[i]) << "word " << i;
  for (uint8_t strb = 0; strb < 16; ++strb) {
    const uint32_t v = rng_();
    uint32_t mask = 0;
    for (int k = 0; k < 4; ++k) mask |= (strb >> k & 1u) ? 0xFFu << (8 * k) : 0;
    b.write(kBuf + 8, v, strb);
    words[2] = (words[2] & ~mask) | (v & mask);
    EXPECT_EQ(b.read(kBuf + 8), words[2]) << "strobes " << int(strb);
  }
  EXPECT_EQ(b.read(kBuf + kBufSize), 0u) << "past the buffer";

  // A long frame; while it runs, writes are ignored and STATUS says busy.
  b.write(MCTPM_SPI_FLASH_CMD, kOpRead);
  b.write(MCTPM_SPI_FLASH_ADDR, 0);
  b.write(MCTPM_SPI_FLASH_LEN, 64);
  b.write(MCTPM_SPI_FLASH_CTRL, MCTPM_SPI_FLASH_CTRL_GO | MCTPM_SPI_FLASH_CTRL_ADDR);
  EXPECT_TRUE(b.busy());
  b.write(MCTPM_SPI_FLASH_CMD, 0x11);
  b.write(MCTPM_SPI_FLASH_ADDR, 0x222222);
  b.write(MCTPM_SPI_FLASH_LEN, 3);
  b.write(kBuf + 252, 0x12345678);
  b.write(MCTPM_SPI_FLASH_CTRL, MCTPM_SPI_FLASH_CTRL_GO);
  EXPECT_TRUE(b.busy());
  while (b.busy()) {
  }
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_CMD), kOpRead);
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_ADDR), 0u);
  EXPECT_EQ(b.read(MCTPM_SPI_FLASH_LEN), 64u);
  EXPECT_EQ(b.read(kBuf + 252), words[63]) << "buffer write while busy landed";
  EXPECT_EQ(b.get_buf(64), Bytes(64, 0xFF)) << "READ of an erased flash";
  EXPECT_EQ(b.read(kBuf + 64), words[16]) << "READ wrote past LEN";
}

// SCK = clk/2 with no gaps: a frame of n bytes takes 16 n cycles plus a
// small fixed overhead (the pin checker also checks every SCK period).
TEST_F(SpiFlash, RunsSckAtHalfTheClock) {
  Bench& b = bench();
  const uint64_t small = b.frame(kOpRead, 0, true, false, 1);
  const uint64_t large = b.frame(kOpRead, 0, true, false, 256);
  EXPECT_EQ(large - small, 255u * 16);
  EXPECT_LE(small, 5u * 16 + 12);
}

// ---- the firmware driver (firmware/soc/nv_flash.cpp) on the same bench ----

Bench* g_bench = nullptr;

class NvDriver : public SpiFlash {
 protected:
  void SetUp() override {
    SpiFlash::SetUp();
    g_bench = &bench();
  }
  void TearDown() override {
    g_bench = nullptr;
    SpiFlash::TearDown();
  }
};

TEST_F(NvDriver, ReportsTheFlashSize) { EXPECT_EQ(hal::nv_size(), kFlashSize); }

TEST_F(NvDriver, ErasesProgramsAndReadsBack) {
  const uint32_t base = 5 * hal::kNvSectorSize;
  ASSERT_TRUE(hal::nv_erase_sector(base));
  ASSERT_TRUE(hal::nv_erase_sector(base + hal::kNvSectorSize));
  Bytes expect(2 * hal::kNvSectorSize, 0xFF);
  // Unaligned ranges crossing page boundaries, odd lengths.
  for (auto [off, len] : {std::pair<uint32_t, uint32_t>{3, 1}, {250, 13}, {1000, 700}, {4090, 300}}) {
    const Bytes data = random_bytes(rng_, len);
    ASSERT_TRUE(hal::nv_program(base + off, data.data(), data.size())) << "at " << off;
    std::copy(data.begin(), data.end(), expect.begin() + off);
  }
  Bytes got(expect.size());
  ASSERT_TRUE(hal::nv_read(base, got.data(), got.size()));
  EXPECT_EQ(got, expect);
  Bytes part(5);
  ASSERT_TRUE(hal::nv_read(base + 1001, part.data(), part.size()));
  EXPECT_EQ(part, Bytes(expect.begin() + 1001, expect.begin() + 1006));
  // NOR semantics: programming again ANDs.
  const uint8_t ones_and_zeros[2] = {0x0F, 0xF0};
  ASSERT_TRUE(hal::nv_program(base + 8000, ones_and_zeros, 2));
  const uint8_t more[2] = {0x3C, 0x3C};
  ASSERT_TRUE(hal::nv_program(base + 8000, more, 2));
  uint8_t anded[2];
  ASSERT_TRUE(hal::nv_read(base + 8000, anded, 2));
  EXPECT_EQ(anded[0], 0x0C);
  EXPECT_EQ(anded[1], 0x30);
  EXPECT_TRUE(std::equal(expect.begin(), expect.begin() + 8000, g_bench->model().data() + base));
}

TEST_F(NvDriver, RejectsMisalignedAndOutOfRangeCalls) {
  uint8_t b[4] = {0, 0, 0, 0};
  EXPECT_FALSE(hal::nv_erase_sector(100));
  EXPECT_FALSE(hal::nv_erase_sector(kFlashSize));
  EXPECT_FALSE(hal::nv_read(kFlashSize - 2, b, 4));
  EXPECT_FALSE(hal::nv_program(kFlashSize - 2, b, 4));
  EXPECT_FALSE(hal::nv_read(0xFFFFFFFEu, b, 4)) << "offset + n wraps";
  EXPECT_TRUE(hal::nv_read(kFlashSize - 4, b, 4));
  EXPECT_EQ(g_bench->model().programs() + g_bench->model().erases(), 0u);
}

TEST_F(NvDriver, FailsWithoutAFlash) {
  g_bench->close_model();
  g_bench->set_floating_miso(false);  // MISO stuck low: no ID, no WEL
  uint8_t b[4] = {0, 0, 0, 0};
  EXPECT_EQ(hal::nv_size(), 0u);
  EXPECT_FALSE(hal::nv_read(0, b, 4));
  EXPECT_FALSE(hal::nv_erase_sector(0));
  EXPECT_FALSE(hal::nv_program(0, b, 4));
  g_bench->set_floating_miso(true);  // pulled up: ID 0xFF
  EXPECT_EQ(hal::nv_size(), 0u);
}

}  // namespace

// The driver's register accesses and clock, routed into the bench.
namespace {
uint32_t window_offset(uint32_t addr) {
  if (addr < MCTPM_SPI_FLASH_BASE || addr - MCTPM_SPI_FLASH_BASE >= 0x1000) {
    g_bench->fail("driver accessed " + std::to_string(addr) + ", outside the flash controller");
  }
  return addr - MCTPM_SPI_FLASH_BASE;
}
}  // namespace

namespace soc {
uint32_t read32(uint32_t addr) { return g_bench->read(window_offset(addr)); }
void write32(uint32_t addr, uint32_t v) { g_bench->write(window_offset(addr), v); }
}  // namespace soc

namespace hal {
uint64_t cycles() { return g_bench->cycle(); }
}  // namespace hal
