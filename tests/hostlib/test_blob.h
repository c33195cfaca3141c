// Sealed blobs shaped as spec/management.md describes, built from the
// generated offsets. The ciphertext and MAC are filler: only the chip can
// seal, and the host never checks them.
#ifndef MCTPM_TESTS_TEST_BLOB_H
#define MCTPM_TESTS_TEST_BLOB_H

#include <cstdint>
#include <vector>

#include "management.h"

namespace mctpm_test {

inline void put_be32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (24 - 8 * i));
}

inline std::vector<uint8_t> test_blob(uint32_t context_id, uint32_t counter, uint32_t ciphertext_size = 64,
                                      uint8_t fill = 0xA5) {
  std::vector<uint8_t> b(MCTPM_BLOB_HEADER_SIZE + ciphertext_size + MCTPM_BLOB_MAC_SIZE, fill);
  put_be32(b, MCTPM_BLOB_OFF_MAGIC, MCTPM_BLOB_MAGIC);
  b[MCTPM_BLOB_OFF_VERSION] = uint8_t(MCTPM_BLOB_VERSION >> 8);
  b[MCTPM_BLOB_OFF_VERSION + 1] = uint8_t(MCTPM_BLOB_VERSION);
  b[MCTPM_BLOB_OFF_FLAGS] = 0;
  b[MCTPM_BLOB_OFF_FLAGS + 1] = 0;
  for (int i = 0; i < 8; ++i) b[MCTPM_BLOB_OFF_DEVICE_ID + i] = uint8_t(0x10 + i);
  put_be32(b, MCTPM_BLOB_OFF_CONTEXT_ID, context_id);
  put_be32(b, MCTPM_BLOB_OFF_COUNTER, counter);
  put_be32(b, MCTPM_BLOB_OFF_PCR_MASK, MCTPM_MGMT_DEFAULT_PCR_MASK);
  put_be32(b, MCTPM_BLOB_OFF_CT_LEN, ciphertext_size);
  return b;
}

}  // namespace mctpm_test

#endif
