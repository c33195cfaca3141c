// Raw entropy from the noise source FIFO (board: ring oscillators with
// health tests; simulation: a model). A failed health test is sticky in
// hardware and makes every later read fail.
#include "hal/entropy.h"
#include "soc/mmio.h"

namespace hal {
bool entropy_read(uint8_t* out, size_t n) {
  while (n > 0) {
    uint32_t st;
    do {
      st = soc::read32(MCTPM_ENTROPY_BASE + MCTPM_ENTROPY_STATUS);
      if (st & 2u) return false;
    } while ((st & 1u) == 0);
    uint32_t w = soc::read32(MCTPM_ENTROPY_BASE + MCTPM_ENTROPY_DATA);
    for (int i = 0; i < 4 && n > 0; ++i, --n) {
      *out++ = uint8_t(w);
      w >>= 8;
    }
  }
  return true;
}
}  // namespace hal
