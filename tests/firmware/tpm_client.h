// Test-side TPM command builder and response reader (independent of the
// firmware's marshalling, so the tests check it rather than reuse it).
#ifndef MCTPM_TESTS_FIRMWARE_TPM_CLIENT_H
#define MCTPM_TESTS_FIRMWARE_TPM_CLIENT_H

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tpm/tpm.h"

namespace tpmtest {

using Bytes = std::vector<uint8_t>;

constexpr uint16_t kNoSessions = 0x8001;
constexpr uint16_t kSessions = 0x8002;
constexpr uint32_t kRsPw = 0x40000009;
constexpr uint32_t kRhNull = 0x40000007;

class Cmd {
 public:
  Cmd(uint16_t tag, uint32_t cc) {
    u16(tag);
    u32(0);
    u32(cc);
  }
  Cmd& u8(uint8_t v) {
    b_.push_back(v);
    return *this;
  }
  Cmd& u16(uint16_t v) { return u8(v >> 8).u8(v & 0xFF); }
  Cmd& u32(uint32_t v) { return u16(v >> 16).u16(v & 0xFFFF); }
  Cmd& bytes(const Bytes& v) {
    b_.insert(b_.end(), v.begin(), v.end());
    return *this;
  }
  Cmd& tpm2b(const Bytes& v) { return u16(static_cast<uint16_t>(v.size())).bytes(v); }
  // One password session (authorization area with its size).
  Cmd& pw_session(uint8_t attributes = 1, const Bytes& password = {}, const Bytes& nonce = {}) {
    return session(kRsPw, attributes, password, nonce);
  }
  Cmd& session(uint32_t handle, uint8_t attributes, const Bytes& hmac, const Bytes& nonce = {}) {
    u32(static_cast<uint32_t>(4 + 2 + nonce.size() + 1 + 2 + hmac.size()));
    return u32(handle).tpm2b(nonce).u8(attributes).tpm2b(hmac);
  }
  Bytes done() const {
    Bytes out = b_;
    const uint32_t n = static_cast<uint32_t>(out.size());
    out[2] = n >> 24;
    out[3] = n >> 16;
    out[4] = n >> 8;
    out[5] = n;
    return out;
  }

 private:
  Bytes b_;
};

class Rsp {
 public:
  explicit Rsp(Bytes b) : b_(std::move(b)) {}
  const Bytes& raw() const { return b_; }
  uint16_t tag() const { return static_cast<uint16_t>(b_[0] << 8 | b_[1]); }
  uint32_t size() const { return get32(2); }
  uint32_t rc() const { return get32(6); }
  size_t left() const { return b_.size() - pos_; }
  uint8_t u8() {
    EXPECT_LT(pos_, b_.size());
    return pos_ < b_.size() ? b_[pos_++] : 0;
  }
  uint16_t u16() { return static_cast<uint16_t>(u8() << 8 | u8()); }
  uint32_t u32() {
    uint32_t hi = u16();
    return hi << 16 | u16();
  }
  uint64_t u64() {
    uint64_t hi = u32();
    return hi << 32 | u32();
  }
  Bytes bytes(size_t n) {
    Bytes out;
    for (size_t i = 0; i < n; ++i) out.push_back(u8());
    return out;
  }
  Bytes tpm2b() { return bytes(u16()); }

 private:
  uint32_t get32(size_t at) const {
    return static_cast<uint32_t>(b_[at]) << 24 | b_[at + 1] << 16 | b_[at + 2] << 8 | b_[at + 3];
  }
  Bytes b_;
  size_t pos_ = 10;
};

Bytes sha1(const Bytes& data);
Bytes sha256(const Bytes& data);
Bytes hash_by_alg(uint16_t alg, const Bytes& data);

class TpmTest : public ::testing::Test {
 protected:
  void SetUp() override { tpm::init(tpm_); }

  Rsp exec(const Bytes& cmd, uint8_t locality = 0) {
    Bytes rsp(4096);
    tpm::CommandIn in{cmd.data(), cmd.size(), locality, false};
    const size_t n = tpm::execute(tpm_, in, rsp.data(), rsp.size());
    rsp.resize(n);
    EXPECT_GE(n, 10u);
    Rsp r(rsp);
    EXPECT_EQ(r.size(), n);
    return r;
  }
  void startup() { ASSERT_EQ(exec(Cmd(kNoSessions, 0x144).u16(0).done()).rc(), 0u); }

  Bytes pcr_read(uint16_t alg, unsigned pcr);
  uint32_t pcr_extend(unsigned pcr, uint16_t alg, const Bytes& digest, uint8_t locality = 0);

  tpm::Tpm tpm_;
};

}  // namespace tpmtest

#endif
