// Driver for the SHA-256 and SHA-1 engines behind hal/sha_engine.h. The
// engines hold no context between blocks: state goes in, one block is
// compressed, state comes out. That makes interleaved hashes (PCR banks,
// later sessions) free of save/restore bookkeeping here.
#include "hal/sha_engine.h"
#include "soc/mmio.h"

namespace {
typedef uint32_t __attribute__((may_alias)) word_t;

inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// Unrolled, with every register at a constant offset from one base: the
// driver's cost per block is then little more than the bus accesses.
template <unsigned kWords>
void compress(uint32_t base, uint32_t* state, const uint8_t block[64]) {
  volatile uint32_t* const regs = reinterpret_cast<volatile uint32_t*>(base);
  volatile uint32_t* const st = regs + MCTPM_SHA_STATE / 4;
  volatile uint32_t* const blk = regs + MCTPM_SHA_BLOCK / 4;
#pragma GCC unroll 8
  for (unsigned i = 0; i < kWords; ++i) st[i] = state[i];
  if ((reinterpret_cast<uintptr_t>(block) & 3u) == 0) {
    // Aligned (ShaCtx::buf, most callers' buffers): word loads, byte swap.
    const word_t* w = reinterpret_cast<const word_t*>(block);
    const uint32_t m = 0x00FF00FFu;
#pragma GCC unroll 16
    for (unsigned i = 0; i < 16; ++i) {
      const uint32_t x = w[i];
      const uint32_t y = ((x & m) << 8) | ((x >> 8) & m);
      blk[i] = (y << 16) | (y >> 16);
    }
  } else {
#pragma GCC unroll 16
    for (unsigned i = 0; i < 16; ++i) blk[i] = load_be32(block + 4 * i);
  }
  regs[MCTPM_SHA_CTRL / 4] = 1;
  while ((regs[MCTPM_SHA_STATUS / 4] & 1u) == 0) {
  }
#pragma GCC unroll 8
  for (unsigned i = 0; i < kWords; ++i) state[i] = st[i];
}
}  // namespace

namespace hal {
void sha256_compress(uint32_t state[8], const uint8_t block[64]) { compress<8>(MCTPM_SHA256_BASE, state, block); }
void sha1_compress(uint32_t state[5], const uint8_t block[64]) { compress<5>(MCTPM_SHA1_BASE, state, block); }
}  // namespace hal
