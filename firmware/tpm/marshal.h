// The one marshalling contract of the engine: a bounded big-endian reader that
// consumes a buffer and returns a TPM_RC, a bounded writer that never writes
// past its capacity, and the (un)marshal functions of the TPM structures the
// commands share.
#ifndef MCTPM_TPM_MARSHAL_H
#define MCTPM_TPM_MARSHAL_H

#include <stddef.h>
#include <stdint.h>

#include "tpm/tpm_types.h"

namespace tpm {

class Reader {
 public:
  Reader() : p_(nullptr), left_(0) {}
  Reader(const uint8_t* p, size_t n) : p_(p), left_(n) {}

  size_t remaining() const { return left_; }

  // The fixed-size reads are inline: they are most of every command's parse.
  TPM_RC u8(uint8_t& v) {
    if (left_ < 1) return TPM_RC_INSUFFICIENT;
    v = p_[0];
    p_ += 1;
    left_ -= 1;
    return TPM_RC_SUCCESS;
  }
  TPM_RC u16(uint16_t& v) {
    if (left_ < 2) return TPM_RC_INSUFFICIENT;
    v = static_cast<uint16_t>((p_[0] << 8) | p_[1]);
    p_ += 2;
    left_ -= 2;
    return TPM_RC_SUCCESS;
  }
  TPM_RC u32(uint32_t& v) {
    if (left_ < 4) return TPM_RC_INSUFFICIENT;
    v = (static_cast<uint32_t>(p_[0]) << 24) | (static_cast<uint32_t>(p_[1]) << 16) |
        (static_cast<uint32_t>(p_[2]) << 8) | p_[3];
    p_ += 4;
    left_ -= 4;
    return TPM_RC_SUCCESS;
  }
  TPM_RC u64(uint64_t& v);
  // Zero-copy: points `out` at the next n bytes of the command.
  TPM_RC view(size_t n, const uint8_t*& out);
  // A TPM2B: u16 size then size bytes; size > max_size gives TPM_RC_SIZE.
  TPM_RC tpm2b(uint16_t max_size, const uint8_t*& data, uint16_t& size);
  // Splits off the next n bytes as their own reader (e.g. the auth area).
  TPM_RC sub(size_t n, Reader& out);

 private:
  const uint8_t* p_;
  size_t left_;
};

class Writer {
 public:
  Writer(uint8_t* buf, size_t cap) : buf_(buf), cap_(cap), end_(cap), pos_(0), overflow_(false) {}

  // Inline, and each through a local pointer: a byte store may alias the
  // writer's own members, so `buf_[pos_++] = ...` would reload both per byte.
  void u8(uint8_t v) {
    if (!reserve(1)) return;
    const size_t at = pos_;
    buf_[at] = v;
    pos_ = at + 1;
  }
  void u16(uint16_t v) {
    if (!reserve(2)) return;
    const size_t at = pos_;
    uint8_t* p = buf_ + at;
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
    pos_ = at + 2;
  }
  void u32(uint32_t v) {
    if (!reserve(4)) return;
    const size_t at = pos_;
    uint8_t* p = buf_ + at;
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
    pos_ = at + 4;
  }
  void u64(uint64_t v);
  void bytes(const uint8_t* p, size_t n);
  void tpm2b(const uint8_t* p, uint16_t n) { u16(n); bytes(p, n); }
  // The next n bytes, for the caller to fill in place (an engine's output
  // straight into the response), or nullptr (overflow set) if they do not fit.
  uint8_t* claim(size_t n) {
    if (!reserve(n)) return nullptr;
    uint8_t* p = buf_ + pos_;
    pos_ += n;
    return p;
  }

  size_t size() const { return pos_; }
  bool overflow() const { return overflow_; }
  // Bytes still free; callers that fill lists use it to stay in bounds.
  size_t room() const { return cap_ - pos_; }
  void patch_u32(size_t at, uint32_t v);
  void truncate(size_t n);

 private:
  // One compare per write: an overflow pulls end_ down to pos_, so every
  // later write fails too, as the contract says.
  bool reserve(size_t n) {
    if (end_ - pos_ < n) {
      overflow_ = true;
      end_ = pos_;
      return false;
    }
    return true;
  }
  uint8_t* buf_;
  size_t cap_;
  size_t end_;  // cap_, or pos_ once a write overflowed
  size_t pos_;
  bool overflow_;
};

// ---- shared structures ----

// Banks this TPM implements (HASH_COUNT of Part 2).
bool hash_alg_implemented(TPM_ALG_ID alg);
unsigned hash_digest_size(TPM_ALG_ID alg);  // 0 if not implemented

// TPMS_PCR_SELECTION / TPML_PCR_SELECTION
struct PcrSelection {
  TPM_ALG_ID hash;
  uint8_t size_of_select;
  uint8_t select[kPcrSelectSize];
};
struct PcrSelectionList {
  uint32_t count;
  PcrSelection sel[kNumBanks];
};

// TPMT_HA / TPML_DIGEST_VALUES
struct TaggedDigest {
  TPM_ALG_ID alg;
  // Word-aligned: the hash and copy routines move aligned data a word at a time.
  alignas(4) uint8_t digest[kMaxDigest];
};
struct DigestValues {
  uint32_t count;
  TaggedDigest d[kNumBanks];
};

// TPMI_ALG_HASH (no TPM_ALG_NULL): TPM_RC_HASH for anything not implemented.
TPM_RC unmarshal_hash_alg(Reader& r, TPM_ALG_ID& alg);
TPM_RC unmarshal(Reader& r, PcrSelectionList& v);
TPM_RC unmarshal(Reader& r, DigestValues& v);
void marshal(Writer& w, const PcrSelectionList& v);
void marshal(Writer& w, const DigestValues& v);

}  // namespace tpm

#endif
