#include "tpm/marshal.h"

#include <string.h>

namespace tpm {

TPM_RC Reader::u64(uint64_t& v) {
  uint32_t hi = 0;
  uint32_t lo = 0;
  if (left_ < 8) return TPM_RC_INSUFFICIENT;
  u32(hi);
  u32(lo);
  v = (static_cast<uint64_t>(hi) << 32) | lo;
  return TPM_RC_SUCCESS;
}

TPM_RC Reader::view(size_t n, const uint8_t*& out) {
  if (left_ < n) return TPM_RC_INSUFFICIENT;
  out = p_;
  p_ += n;
  left_ -= n;
  return TPM_RC_SUCCESS;
}

TPM_RC Reader::tpm2b(uint16_t max_size, const uint8_t*& data, uint16_t& size) {
  uint16_t n = 0;
  TPM_RC rc = u16(n);
  if (rc != TPM_RC_SUCCESS) return rc;
  if (n > max_size) return TPM_RC_SIZE;
  rc = view(n, data);
  if (rc != TPM_RC_SUCCESS) return rc;
  size = n;
  return TPM_RC_SUCCESS;
}

TPM_RC Reader::sub(size_t n, Reader& out) {
  const uint8_t* p = nullptr;
  TPM_RC rc = view(n, p);
  if (rc != TPM_RC_SUCCESS) return rc;
  out = Reader(p, n);
  return TPM_RC_SUCCESS;
}

void Writer::u64(uint64_t v) {
  if (!reserve(8)) return;
  u32(static_cast<uint32_t>(v >> 32));
  u32(static_cast<uint32_t>(v));
}

void Writer::bytes(const uint8_t* p, size_t n) {
  if (!reserve(n)) return;
  if (n != 0) memcpy(buf_ + pos_, p, n);
  pos_ += n;
}

void Writer::patch_u32(size_t at, uint32_t v) {
  if (at > pos_ || pos_ - at < 4) return;
  uint8_t* p = buf_ + at;
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

void Writer::truncate(size_t n) {
  if (n <= pos_) pos_ = n;
  overflow_ = false;
  end_ = cap_;
}

bool hash_alg_implemented(TPM_ALG_ID alg) { return hash_digest_size(alg) != 0; }

unsigned hash_digest_size(TPM_ALG_ID alg) {
  switch (alg) {
    case TPM_ALG_SHA1:
      return 20;
    case TPM_ALG_SHA256:
      return 32;
    default:
      return 0;
  }
}

TPM_RC unmarshal_hash_alg(Reader& r, TPM_ALG_ID& alg) {
  TPM_RC rc = r.u16(alg);
  if (rc != TPM_RC_SUCCESS) return rc;
  return hash_alg_implemented(alg) ? TPM_RC_SUCCESS : TPM_RC_HASH;
}

TPM_RC unmarshal(Reader& r, PcrSelectionList& v) {
  TPM_RC rc = r.u32(v.count);
  if (rc != TPM_RC_SUCCESS) return rc;
  if (v.count > kNumBanks) return TPM_RC_SIZE;
  for (uint32_t i = 0; i < v.count; ++i) {
    PcrSelection& s = v.sel[i];
    rc = unmarshal_hash_alg(r, s.hash);
    if (rc != TPM_RC_SUCCESS) return rc;
    rc = r.u8(s.size_of_select);
    if (rc != TPM_RC_SUCCESS) return rc;
    // PCR_SELECT_MIN == PCR_SELECT_MAX here.
    if (s.size_of_select != kPcrSelectSize) return TPM_RC_VALUE;
    const uint8_t* bits = nullptr;
    rc = r.view(s.size_of_select, bits);
    if (rc != TPM_RC_SUCCESS) return rc;
    memcpy(s.select, bits, kPcrSelectSize);
  }
  return TPM_RC_SUCCESS;
}

TPM_RC unmarshal(Reader& r, DigestValues& v) {
  TPM_RC rc = r.u32(v.count);
  if (rc != TPM_RC_SUCCESS) return rc;
  if (v.count > kNumBanks) return TPM_RC_SIZE;
  for (uint32_t i = 0; i < v.count; ++i) {
    TaggedDigest& d = v.d[i];
    rc = unmarshal_hash_alg(r, d.alg);
    if (rc != TPM_RC_SUCCESS) return rc;
    const uint8_t* bytes = nullptr;
    const unsigned n = hash_digest_size(d.alg);
    rc = r.view(n, bytes);
    if (rc != TPM_RC_SUCCESS) return rc;
    memcpy(d.digest, bytes, n);
  }
  return TPM_RC_SUCCESS;
}

void marshal(Writer& w, const PcrSelectionList& v) {
  w.u32(v.count);
  for (uint32_t i = 0; i < v.count; ++i) {
    w.u16(v.sel[i].hash);
    w.u8(v.sel[i].size_of_select);
    w.bytes(v.sel[i].select, v.sel[i].size_of_select);
  }
}

void marshal(Writer& w, const DigestValues& v) {
  w.u32(v.count);
  for (uint32_t i = 0; i < v.count; ++i) {
    w.u16(v.d[i].alg);
    w.bytes(v.d[i].digest, hash_digest_size(v.d[i].alg));
  }
}

}  // namespace tpm
