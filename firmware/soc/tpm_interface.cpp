#include "soc/tpm_interface.h"
#include "soc/mmio.h"

namespace soc {
namespace {
constexpr uint32_t kRegs = MCTPM_TPMIF_BASE;

// The buffer windows hold byte 4i+b of the command/response in bits 8b+7..8b
// of word i: little-endian like the CPU, so an aligned word of RAM maps to a
// window word as is.
typedef uint32_t __attribute__((may_alias)) word_t;
inline bool aligned4(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 3u) == 0; }

void set_idle(bool idle) {
  write32(MCTPM_SYSCTL_BASE + MCTPM_SYSCTL_FW_STATUS, 1u | (idle ? 2u : 0u));
}
}  // namespace

PendingCommand tpm_wait_command(uint8_t* dst, size_t cap) {
  set_idle(true);
  uint32_t st;
  while (((st = read32(kRegs + MCTPM_TPMIF_CMD_STATUS)) & 1u) == 0) {
  }
  set_idle(false);
  PendingCommand cmd;
  cmd.len = st >> 16;
  cmd.locality = uint8_t((st >> 4) & 7u);
  cmd.overflow = (st & 2u) != 0;
  if (cmd.len > cap) cmd.len = cap;
  // Word reads: the window returns four command bytes per access.
  const size_t words = (cmd.len + 3) / 4;
  const volatile uint32_t* win = reinterpret_cast<const volatile uint32_t*>(kRegs + MCTPM_TPMIF_CMD_BUF);
  size_t i = 0;
  if (aligned4(dst)) {
    // Whole words while they fit in dst (the usual case: the whole command).
    word_t* d = reinterpret_cast<word_t*>(dst);
    const size_t whole = cap / 4 < words ? cap / 4 : words;
    for (; i + 4 <= whole; i += 4) {  // unrolled: loop overhead is most of a word's cost
      const uint32_t a = win[i], b = win[i + 1], c = win[i + 2], e = win[i + 3];
      d[i] = a;
      d[i + 1] = b;
      d[i + 2] = c;
      d[i + 3] = e;
    }
    for (; i < whole; ++i) d[i] = win[i];
  }
  for (; i < words; ++i) {
    const uint32_t w = win[i];
    for (size_t b = 0; b < 4 && 4 * i + b < cap; ++b) dst[4 * i + b] = uint8_t(w >> (8 * b));
  }
  return cmd;
}

void tpm_send_response(const uint8_t* rsp, size_t len) {
  volatile uint32_t* win = reinterpret_cast<volatile uint32_t*>(kRegs + MCTPM_TPMIF_RSP_BUF);
  size_t i = 0;
  if (aligned4(rsp)) {
    // Whole words straight from RAM; a partial last word is built below.
    const word_t* s = reinterpret_cast<const word_t*>(rsp);
    const size_t whole = len / 4;
    for (; i + 4 <= whole; i += 4) {  // unrolled: loop overhead is most of a word's cost
      const uint32_t a = s[i], b = s[i + 1], c = s[i + 2], e = s[i + 3];
      win[i] = a;
      win[i + 1] = b;
      win[i + 2] = c;
      win[i + 3] = e;
    }
    for (; i < whole; ++i) win[i] = s[i];
  }
  for (; 4 * i < len; ++i) {
    uint32_t w = 0;
    for (size_t b = 0; b < 4 && 4 * i + b < len; ++b) w |= uint32_t(rsp[4 * i + b]) << (8 * b);
    win[i] = w;
  }
  write32(kRegs + MCTPM_TPMIF_RSP_LEN, uint32_t(len));
}

void tpm_set_selftest_done(bool done) { write32(kRegs + MCTPM_TPMIF_FW_FLAGS, done ? 1u : 0u); }
}  // namespace soc
