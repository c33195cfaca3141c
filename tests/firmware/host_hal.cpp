// SHA*_Transform are deprecated in OpenSSL 3 but are exactly one FIPS 180-4
// compression, which is what the SoC engines do; built with
// -Wno-deprecated-declarations.
#include "host_hal.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <atomic>
#include <chrono>

#include "hal/clock.h"
#include "hal/entropy.h"
#include "hal/sha_engine.h"

namespace {
std::atomic<bool> g_entropy_failed{false};
std::atomic<uint64_t> g_cycle_offset{0};
}  // namespace

namespace host_hal {
void set_entropy_failure(bool failed) { g_entropy_failed = failed; }
void advance_cycles(uint64_t n) { g_cycle_offset += n; }
}  // namespace host_hal

namespace hal {

void sha256_compress(uint32_t state[8], const uint8_t block[64]) {
  SHA256_CTX c;
  SHA256_Init(&c);
  for (int i = 0; i < 8; ++i) c.h[i] = state[i];
  SHA256_Transform(&c, block);
  for (int i = 0; i < 8; ++i) state[i] = c.h[i];
}

void sha1_compress(uint32_t state[5], const uint8_t block[64]) {
  SHA_CTX c;
  SHA1_Init(&c);
  c.h0 = state[0];
  c.h1 = state[1];
  c.h2 = state[2];
  c.h3 = state[3];
  c.h4 = state[4];
  SHA1_Transform(&c, block);
  state[0] = c.h0;
  state[1] = c.h1;
  state[2] = c.h2;
  state[3] = c.h3;
  state[4] = c.h4;
}

bool entropy_read(uint8_t* out, size_t n) {
  if (g_entropy_failed) return false;
  return RAND_bytes(out, static_cast<int>(n)) == 1;
}

uint64_t cycles() {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count();
  const unsigned __int128 c =
      static_cast<unsigned __int128>(ns) * MCTPM_SYS_CLOCK_HZ / 1000000000u;
  return static_cast<uint64_t>(c) + g_cycle_offset;
}

}  // namespace hal
