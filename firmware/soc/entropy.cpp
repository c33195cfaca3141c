// Raw entropy from the noise source FIFO (board: ring oscillators with
// health tests; simulation: a model). A failed health test is sticky in
// hardware and makes every later read fail.
#include "hal/entropy.h"
#include "soc/mmio.h"

namespace hal {
namespace {
typedef uint32_t __attribute__((may_alias)) word_t;

// Waits for the next word; false once the health test has failed.
inline bool next_word(uint32_t& w) {
  uint32_t st;
  do {
    st = soc::read32(MCTPM_ENTROPY_BASE + MCTPM_ENTROPY_STATUS);
    if (st & 2u) return false;
  } while ((st & 1u) == 0);
  w = soc::read32(MCTPM_ENTROPY_BASE + MCTPM_ENTROPY_DATA);
  return true;
}
}  // namespace

bool entropy_read(uint8_t* out, size_t n) {
  uint32_t w;
  if ((reinterpret_cast<uintptr_t>(out) & 3u) == 0) {
    // Aligned: whole words go to RAM as they are.
    for (; n >= 4; n -= 4, out += 4) {
      if (!next_word(w)) return false;
      *reinterpret_cast<word_t*>(out) = w;
    }
  }
  while (n > 0) {
    if (!next_word(w)) return false;
    for (int i = 0; i < 4 && n > 0; ++i, --n) {
      *out++ = uint8_t(w);
      w >>= 8;
    }
  }
  return true;
}
}  // namespace hal
