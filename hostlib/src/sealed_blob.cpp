#include "mctpm/sealed_blob.h"

#include <cstdio>

#include "big_endian.h"
#include "management.h"
#include "mctpm/error.h"

namespace mctpm {

namespace {

uint16_t be16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }

[[noreturn]] void bad(const std::string& what) {
  throw Error(Error::Kind::Protocol, "not a sealed context blob: " + what);
}

}  // namespace

bool SealedBlobHeader::private_pcrs() const { return (flags & MCTPM_BLOB_FLAG_PRIVATE_PCRS) != 0; }

std::string SealedBlobHeader::device_id_hex() const {
  std::string s;
  char b[3];
  for (uint8_t v : device_id) {
    std::snprintf(b, sizeof b, "%02x", v);
    s += b;
  }
  return s;
}

SealedBlobHeader parse_sealed_blob(const std::vector<uint8_t>& blob) {
  const size_t min = MCTPM_BLOB_HEADER_SIZE + MCTPM_BLOB_MAC_SIZE;
  if (blob.size() < min)
    bad(std::to_string(blob.size()) + " bytes is shorter than header and MAC (" + std::to_string(min) + ")");
  const uint8_t* p = blob.data();
  if (load_be32(p + MCTPM_BLOB_OFF_MAGIC) != MCTPM_BLOB_MAGIC) bad("bad magic (want \"MCTB\")");
  SealedBlobHeader h;
  h.version = be16(p + MCTPM_BLOB_OFF_VERSION);
  if (h.version != MCTPM_BLOB_VERSION)
    bad("version " + std::to_string(h.version) + " (this host knows " + std::to_string(MCTPM_BLOB_VERSION) + ")");
  h.flags = be16(p + MCTPM_BLOB_OFF_FLAGS);
  for (size_t i = 0; i < sizeof h.device_id; ++i) h.device_id[i] = p[MCTPM_BLOB_OFF_DEVICE_ID + i];
  h.context_id = load_be32(p + MCTPM_BLOB_OFF_CONTEXT_ID);
  h.counter = load_be32(p + MCTPM_BLOB_OFF_COUNTER);
  h.pcr_mask = load_be32(p + MCTPM_BLOB_OFF_PCR_MASK);
  h.ciphertext_size = load_be32(p + MCTPM_BLOB_OFF_CT_LEN);
  if (h.ciphertext_size % 16 != 0)
    bad("ciphertext length " + std::to_string(h.ciphertext_size) + " is not a multiple of 16");
  if (h.ciphertext_size > MCTPM_BLOB_MAX_CT)
    bad("ciphertext length " + std::to_string(h.ciphertext_size) + " exceeds the budget of " +
        std::to_string(MCTPM_BLOB_MAX_CT));
  h.total_size = size_t(MCTPM_BLOB_HEADER_SIZE) + h.ciphertext_size + MCTPM_BLOB_MAC_SIZE;
  if (blob.size() != h.total_size)
    bad(std::to_string(blob.size()) + " bytes, but its ciphertext length says " + std::to_string(h.total_size));
  return h;
}

}  // namespace mctpm
