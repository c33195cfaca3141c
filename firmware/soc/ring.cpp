// hal/ring.h on the SoC: the RING register block (rtl/ring/README.md).
#include "hal/ring.h"

#include "soc/mmio.h"

namespace {
uint32_t reg(uint32_t off) { return soc::read32(MCTPM_RING_BASE + off); }
void set_reg(uint32_t off, uint32_t v) { soc::write32(MCTPM_RING_BASE + off, v); }
}  // namespace

namespace hal {
namespace ring {

bool in_ring1() { return (reg(MCTPM_RING_STATUS) & MCTPM_RING_STATUS_CR0) != 0; }

bool arm_enter() {
  set_reg(MCTPM_RING_ENTER, 1);
  return (reg(MCTPM_RING_STATUS) & MCTPM_RING_STATUS_ARMED) != 0;
}

void start_scrub() { set_reg(MCTPM_RING_SCRUB, 1); }

void wait_scrubbed() {
  // 8 KiB of BRAM at a word per cycle: about 2048 cycles; no timeout, a
  // scrub that never ends is a hardware fault nothing here could repair.
  while ((reg(MCTPM_RING_STATUS) & MCTPM_RING_STATUS_SCRUBBING) != 0) {
  }
}

void scrub() {
  start_scrub();
  wait_scrubbed();
}

uint32_t trap_count() { return reg(MCTPM_RING_TRAP_COUNT); }
uint32_t denied_count() { return reg(MCTPM_RING_DENIED_COUNT); }

}  // namespace ring
}  // namespace hal
