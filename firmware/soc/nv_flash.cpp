// hal/nv.h on the SoC: a W25Q-class SPI NOR flash behind the spi_flash
// controller (rtl/spi_flash/README.md has the registers and the command
// sequences used here). One controller frame moves at most one page, which is
// also the PAGE PROGRAM limit, so reads and programs go page by page.
//
// Every operation first waits for the flash's WIP bit to clear (an earlier
// operation may have timed out), checks WEL after WREN (a write-protected or
// missing flash fails there) and reads back what it erased or programmed.
#include "hal/clock.h"
#include "hal/nv.h"
#include "soc/mmio.h"

namespace {
constexpr uint32_t kPage = MCTPM_SPI_FLASH_BUF_SIZE;

constexpr uint8_t kOpPageProgram = 0x02;
constexpr uint8_t kOpRead = 0x03;
constexpr uint8_t kOpReadStatus = 0x05;
constexpr uint8_t kOpWriteEnable = 0x06;
constexpr uint8_t kOpSectorErase = 0x20;
constexpr uint8_t kOpReadId = 0x9F;

constexpr uint8_t kStatusWip = 0x01;
constexpr uint8_t kStatusWel = 0x02;

// Worst cases of the W25Q datasheets (sector erase 400 ms, page program
// 3 ms) with margin; a controller frame takes under 5000 cycles at SCK =
// clk/2, 1 ms is plenty.
constexpr uint64_t kCyclesPerMs = MCTPM_SYS_CLOCK_HZ / 1000;
constexpr uint64_t kEraseTimeout = 500 * kCyclesPerMs;
constexpr uint64_t kProgramTimeout = 10 * kCyclesPerMs;
constexpr uint64_t kFrameTimeout = 1 * kCyclesPerMs;

// The W25Q capacity byte of RDID is log2 of the size; 24-bit addressing
// reaches 16 MiB.
constexpr uint8_t kMinCapacityLog2 = 16;
constexpr uint8_t kMaxCapacityLog2 = 24;

uint32_t reg(uint32_t off) { return soc::read32(MCTPM_SPI_FLASH_BASE + off); }
void set_reg(uint32_t off, uint32_t v) { soc::write32(MCTPM_SPI_FLASH_BASE + off, v); }

uint8_t buf_byte(uint32_t i) { return uint8_t(reg(MCTPM_SPI_FLASH_BUF + (i & ~3u)) >> (8 * (i & 3u))); }

// One frame: opcode, the address if with_addr, len data bytes (from BUF when
// write, else into BUF). False if the controller does not finish.
bool frame(uint8_t opcode, uint32_t addr, bool with_addr, bool write, uint32_t len) {
  set_reg(MCTPM_SPI_FLASH_CMD, opcode);
  set_reg(MCTPM_SPI_FLASH_ADDR, addr);
  set_reg(MCTPM_SPI_FLASH_LEN, len);
  set_reg(MCTPM_SPI_FLASH_CTRL, MCTPM_SPI_FLASH_CTRL_GO | (with_addr ? MCTPM_SPI_FLASH_CTRL_ADDR : 0u) |
                                    (write ? MCTPM_SPI_FLASH_CTRL_WRITE : 0u));
  const uint64_t start = hal::cycles();
  while (reg(MCTPM_SPI_FLASH_STATUS) & MCTPM_SPI_FLASH_STATUS_BUSY) {
    if (hal::cycles() - start > kFrameTimeout) return false;
  }
  return true;
}

bool read_status(uint8_t* sr) {
  if (!frame(kOpReadStatus, 0, false, false, 1)) return false;
  *sr = buf_byte(0);
  return true;
}

// Polls WIP until the flash is idle. A missing flash reads 0xFF (MISO pulled
// up), which looks busy for ever and so times out.
bool wait_idle(uint64_t timeout) {
  const uint64_t start = hal::cycles();
  for (;;) {
    uint8_t sr;
    if (!read_status(&sr)) return false;
    if ((sr & kStatusWip) == 0) return true;
    if (hal::cycles() - start > timeout) return false;
  }
}

bool write_enable() {
  uint8_t sr;
  return frame(kOpWriteEnable, 0, false, false, 0) && read_status(&sr) &&
         (sr & (kStatusWel | kStatusWip)) == kStatusWel;
}

// Reads n <= kPage bytes at addr into BUF.
bool read_to_buf(uint32_t addr, uint32_t n) { return frame(kOpRead, addr, true, false, n); }

bool in_range(uint32_t offset, size_t n) {
  const uint32_t size = hal::nv_size();
  return size != 0 && n <= size && offset <= size - n;
}
}  // namespace

namespace hal {

uint32_t nv_size() {
  // Cached once a flash answered; probed again while none has.
  static uint32_t size = 0;
  if (size != 0) return size;
  if (!frame(kOpReadId, 0, false, false, 3)) return 0;
  const uint8_t manufacturer = buf_byte(0);
  const uint8_t capacity = buf_byte(2);
  if (manufacturer == 0x00 || manufacturer == 0xFF) return 0;
  if (capacity < kMinCapacityLog2 || capacity > kMaxCapacityLog2) return 0;
  size = uint32_t{1} << capacity;
  return size;
}

bool nv_read(uint32_t offset, uint8_t* dst, size_t n) {
  if (!in_range(offset, n) || !wait_idle(kEraseTimeout)) return false;
  while (n > 0) {
    const uint32_t chunk = n < kPage ? uint32_t(n) : kPage;
    if (!read_to_buf(offset, chunk)) return false;
    for (uint32_t i = 0; i < chunk; i += 4) {
      const uint32_t w = reg(MCTPM_SPI_FLASH_BUF + i);
      for (uint32_t b = 0; b < 4 && i + b < chunk; ++b) dst[i + b] = uint8_t(w >> (8 * b));
    }
    offset += chunk;
    dst += chunk;
    n -= chunk;
  }
  return true;
}

bool nv_erase_sector(uint32_t offset) {
  if (offset % kNvSectorSize != 0 || !in_range(offset, kNvSectorSize)) return false;
  if (!wait_idle(kEraseTimeout) || !write_enable()) return false;
  if (!frame(kOpSectorErase, offset, true, false, 0) || !wait_idle(kEraseTimeout)) return false;
  for (uint32_t off = 0; off < kNvSectorSize; off += kPage) {
    if (!read_to_buf(offset + off, kPage)) return false;
    for (uint32_t i = 0; i < kPage; i += 4) {
      if (reg(MCTPM_SPI_FLASH_BUF + i) != 0xFFFFFFFFu) return false;
    }
  }
  return true;
}

bool nv_program(uint32_t offset, const uint8_t* src, size_t n) {
  if (!in_range(offset, n) || !wait_idle(kEraseTimeout)) return false;
  while (n > 0) {
    // PAGE PROGRAM wraps within its page: never cross a page boundary.
    const uint32_t room = kPage - offset % kPage;
    const uint32_t chunk = n < room ? uint32_t(n) : room;
    // WREN first: its status check goes through BUF.
    if (!write_enable()) return false;
    for (uint32_t i = 0; i < chunk; i += 4) {
      uint32_t w = 0xFFFFFFFFu;
      for (uint32_t b = 0; b < 4 && i + b < chunk; ++b) {
        w &= ~(0xFFu << (8 * b));
        w |= uint32_t(src[i + b]) << (8 * b);
      }
      set_reg(MCTPM_SPI_FLASH_BUF + i, w);
    }
    if (!frame(kOpPageProgram, offset, true, true, chunk) || !wait_idle(kProgramTimeout)) return false;
    // Programming only clears bits: every bit that is 0 in src must now be 0.
    if (!read_to_buf(offset, chunk)) return false;
    for (uint32_t i = 0; i < chunk; ++i) {
      if (buf_byte(i) & ~src[i]) return false;
    }
    offset += chunk;
    src += chunk;
    n -= chunk;
  }
  return true;
}

}  // namespace hal
