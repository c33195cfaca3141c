// The plaintext header of a sealed context blob (spec/management.md, "Sealed
// blob"): what the host may read without the device secret. The chip alone
// can check the MAC; this only tells whether the bytes are shaped like a blob.
#ifndef MCTPM_SEALED_BLOB_H
#define MCTPM_SEALED_BLOB_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mctpm {

struct SealedBlobHeader {
  uint16_t version = 0;
  uint16_t flags = 0;
  uint8_t device_id[8] = {};
  uint32_t context_id = 0;
  uint32_t counter = 0;
  uint32_t pcr_mask = 0;
  uint32_t ciphertext_size = 0;
  size_t total_size = 0;  // header + ciphertext + MAC

  bool private_pcrs() const;
  std::string device_id_hex() const;
};

// Parses and checks the header: length, magic, version, a ciphertext length
// that is a multiple of 16 within the TPMCS budget, and a total length that
// matches it exactly. Throws Error (Protocol) naming the first problem.
SealedBlobHeader parse_sealed_blob(const std::vector<uint8_t>& blob);

}  // namespace mctpm

#endif
