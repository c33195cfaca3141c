// Register-level model of the sealing engine (SEAL_* in spec/soc_map.def,
// rtl/seal) for the host tests, computed with OpenSSL: KDFa as
// HMAC-SHA256(secret, be32(i) || MSG), Kmac = block 1, Kenc = the first 16
// bytes of block 2, AES-128-CTR with a 128-bit big-endian counter, and
// HMAC-SHA256 over what each mode absorbs (ENCRYPT: the output, DECRYPT and
// MAC_ONLY: the input, CRYPT_ONLY: nothing); FINISH restarts the MAC.
// firmware/soc/seal_engine.cpp drives it through host_mmio.cpp.
#ifndef MCTPM_TESTS_FIRMWARE_SEAL_ENGINE_HOST_MODEL_H
#define MCTPM_TESTS_FIRMWARE_SEAL_ENGINE_HOST_MODEL_H

#include <cstdint>
#include <vector>

namespace seal_model {
// Fuses of the modelled chip: 32 bytes, or empty for an unprovisioned one.
// Resets the engine like a power cycle.
void set_secret(const std::vector<uint8_t>& secret);
const std::vector<uint8_t>& secret();
uint32_t read(uint32_t offset);
void write(uint32_t offset, uint32_t value);
}  // namespace seal_model

#endif
