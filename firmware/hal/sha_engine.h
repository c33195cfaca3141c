// One FIPS 180-4 compression of a 64-byte message block into a hash state.
// The SoC implementation drives the SHA engines; the host tests use OpenSSL.
// `block` may be unaligned; the state words are H0 first, native uint32_t.
#ifndef MCTPM_HAL_SHA_ENGINE_H
#define MCTPM_HAL_SHA_ENGINE_H

#include <stdint.h>

namespace hal {
void sha256_compress(uint32_t state[8], const uint8_t block[64]);
void sha1_compress(uint32_t state[5], const uint8_t block[64]);
}  // namespace hal

#endif
