#include "hal/clock.h"
#include "soc/mmio.h"

namespace hal {
uint64_t cycles() {
  // Reading LO latches HI, so the pair is consistent.
  uint32_t lo = soc::read32(MCTPM_SYSCTL_BASE + MCTPM_SYSCTL_CYCLE_LO);
  uint32_t hi = soc::read32(MCTPM_SYSCTL_BASE + MCTPM_SYSCTL_CYCLE_HI);
  return (uint64_t(hi) << 32) | lo;
}
}  // namespace hal
