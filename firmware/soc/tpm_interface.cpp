#include "soc/tpm_interface.h"
#include "soc/mmio.h"

namespace soc {
namespace {
constexpr uint32_t kRegs = MCTPM_TPMIF_BASE;

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
  for (size_t i = 0; i < words; ++i) {
    uint32_t w = read32(kRegs + MCTPM_TPMIF_CMD_BUF + 4 * i);
    for (size_t b = 0; b < 4 && 4 * i + b < cap; ++b) dst[4 * i + b] = uint8_t(w >> (8 * b));
  }
  return cmd;
}

void tpm_send_response(const uint8_t* rsp, size_t len) {
  const size_t words = (len + 3) / 4;
  for (size_t i = 0; i < words; ++i) {
    uint32_t w = 0;
    for (size_t b = 0; b < 4 && 4 * i + b < len; ++b) w |= uint32_t(rsp[4 * i + b]) << (8 * b);
    write32(kRegs + MCTPM_TPMIF_RSP_BUF + 4 * i, w);
  }
  write32(kRegs + MCTPM_TPMIF_RSP_LEN, uint32_t(len));
}

void tpm_set_selftest_done(bool done) { write32(kRegs + MCTPM_TPMIF_FW_FLAGS, done ? 1u : 0u); }
}  // namespace soc
