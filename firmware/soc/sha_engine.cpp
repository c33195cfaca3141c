// Driver for the SHA-256 and SHA-1 engines behind hal/sha_engine.h. The
// engines hold no context between blocks: state goes in, one block is
// compressed, state comes out. That makes interleaved hashes (PCR banks,
// later sessions) free of save/restore bookkeeping here.
#include "hal/sha_engine.h"
#include "soc/mmio.h"

namespace {
inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

void compress(uint32_t base, uint32_t* state, unsigned words, const uint8_t block[64]) {
  for (unsigned i = 0; i < words; ++i) soc::write32(base + MCTPM_SHA_STATE + 4 * i, state[i]);
  for (unsigned i = 0; i < 16; ++i) soc::write32(base + MCTPM_SHA_BLOCK + 4 * i, load_be32(block + 4 * i));
  soc::write32(base + MCTPM_SHA_CTRL, 1);
  while ((soc::read32(base + MCTPM_SHA_STATUS) & 1u) == 0) {
  }
  for (unsigned i = 0; i < words; ++i) state[i] = soc::read32(base + MCTPM_SHA_STATE + 4 * i);
}
}  // namespace

namespace hal {
void sha256_compress(uint32_t state[8], const uint8_t block[64]) { compress(MCTPM_SHA256_BASE, state, 8, block); }
void sha1_compress(uint32_t state[5], const uint8_t block[64]) { compress(MCTPM_SHA1_BASE, state, 5, block); }
}  // namespace hal
