// tpm/marshal: bounded reader and writer, shared structures.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "tpm/marshal.h"

using namespace tpm;

TEST(Marshal, IntegersRoundTripBigEndian) {
  uint8_t buf[15];
  Writer w(buf, sizeof(buf));
  w.u8(0xA1);
  w.u16(0xB2C3);
  w.u32(0xD4E5F607);
  w.u64(0x0102030405060708ull);
  ASSERT_FALSE(w.overflow());
  ASSERT_EQ(w.size(), 15u);
  const uint8_t want[15] = {0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x01,
                            0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  EXPECT_EQ(memcmp(buf, want, 15), 0);
  Reader r(buf, sizeof(buf));
  uint8_t a = 0;
  uint16_t b = 0;
  uint32_t c = 0;
  uint64_t d = 0;
  EXPECT_EQ(r.u8(a), TPM_RC_SUCCESS);
  EXPECT_EQ(r.u16(b), TPM_RC_SUCCESS);
  EXPECT_EQ(r.u32(c), TPM_RC_SUCCESS);
  EXPECT_EQ(r.u64(d), TPM_RC_SUCCESS);
  EXPECT_EQ(a, 0xA1);
  EXPECT_EQ(b, 0xB2C3);
  EXPECT_EQ(c, 0xD4E5F607u);
  EXPECT_EQ(d, 0x0102030405060708ull);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(Marshal, ReaderRefusesToReadPastItsEnd) {
  const uint8_t buf[3] = {1, 2, 3};
  Reader r(buf, 3);
  uint32_t v = 0xDEADBEEF;
  EXPECT_EQ(r.u32(v), TPM_RC_INSUFFICIENT);
  EXPECT_EQ(v, 0xDEADBEEFu);
  EXPECT_EQ(r.remaining(), 3u);  // a failed read consumes nothing
  uint64_t w = 0;
  EXPECT_EQ(r.u64(w), TPM_RC_INSUFFICIENT);
  const uint8_t* p = nullptr;
  EXPECT_EQ(r.view(4, p), TPM_RC_INSUFFICIENT);
  EXPECT_EQ(r.view(3, p), TPM_RC_SUCCESS);
  uint8_t x = 0;
  EXPECT_EQ(r.u8(x), TPM_RC_INSUFFICIENT);
}

TEST(Marshal, Tpm2bChecksMaximumAndLength) {
  const uint8_t ok[] = {0x00, 0x02, 0xAA, 0xBB};
  Reader r(ok, sizeof(ok));
  const uint8_t* data = nullptr;
  uint16_t size = 0;
  ASSERT_EQ(r.tpm2b(2, data, size), TPM_RC_SUCCESS);
  EXPECT_EQ(size, 2);
  EXPECT_EQ(data[1], 0xBB);

  Reader too_big(ok, sizeof(ok));
  EXPECT_EQ(too_big.tpm2b(1, data, size), TPM_RC_SIZE);

  const uint8_t short_body[] = {0x00, 0x05, 0xAA};
  Reader truncated(short_body, sizeof(short_body));
  EXPECT_EQ(truncated.tpm2b(32, data, size), TPM_RC_INSUFFICIENT);
}

TEST(Marshal, WriterNeverWritesPastCapacity) {
  uint8_t buf[8];
  memset(buf, 0xEE, sizeof(buf));
  Writer w(buf, 5);
  w.u32(0x01020304);
  EXPECT_FALSE(w.overflow());
  w.u16(0x0506);  // does not fit
  EXPECT_TRUE(w.overflow());
  w.u8(0x07);     // nothing after an overflow either
  EXPECT_EQ(w.size(), 4u);
  EXPECT_EQ(buf[4], 0xEE);
  EXPECT_EQ(buf[5], 0xEE);
  w.truncate(0);
  EXPECT_FALSE(w.overflow());
  EXPECT_EQ(w.size(), 0u);
}

TEST(Marshal, WriterPatchesEarlierFields) {
  uint8_t buf[8] = {};
  Writer w(buf, sizeof(buf));
  w.u32(0);
  w.u32(7);
  w.patch_u32(0, 0xCAFEBABE);
  EXPECT_EQ(buf[0], 0xCA);
  EXPECT_EQ(buf[3], 0xBE);
  EXPECT_EQ(buf[7], 7);
}

TEST(Marshal, PcrSelectionListRoundTrips) {
  const uint8_t in[] = {0, 0, 0, 2, 0x00, 0x04, 3, 0x01, 0x00, 0x80,
                        0x00, 0x0B, 3, 0xFF, 0xFF, 0xFF};
  Reader r(in, sizeof(in));
  PcrSelectionList sel;
  ASSERT_EQ(unmarshal(r, sel), TPM_RC_SUCCESS);
  EXPECT_EQ(sel.count, 2u);
  EXPECT_EQ(sel.sel[0].hash, TPM_ALG_SHA1);
  EXPECT_EQ(sel.sel[0].select[2], 0x80);
  EXPECT_EQ(sel.sel[1].hash, TPM_ALG_SHA256);
  uint8_t out[sizeof(in)];
  Writer w(out, sizeof(out));
  marshal(w, sel);
  ASSERT_EQ(w.size(), sizeof(in));
  EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

TEST(Marshal, PcrSelectionListRejectsBadInput) {
  PcrSelectionList sel;
  const uint8_t too_many[] = {0, 0, 0, 3};
  Reader r1(too_many, sizeof(too_many));
  EXPECT_EQ(unmarshal(r1, sel), TPM_RC_SIZE);
  const uint8_t bad_hash[] = {0, 0, 0, 1, 0x00, 0x0C, 3, 0, 0, 0};  // SHA-384: no bank
  Reader r2(bad_hash, sizeof(bad_hash));
  EXPECT_EQ(unmarshal(r2, sel), TPM_RC_HASH);
  const uint8_t bad_size[] = {0, 0, 0, 1, 0x00, 0x0B, 2, 0, 0};
  Reader r3(bad_size, sizeof(bad_size));
  EXPECT_EQ(unmarshal(r3, sel), TPM_RC_VALUE);
  const uint8_t truncated[] = {0, 0, 0, 1, 0x00, 0x0B, 3, 0};
  Reader r4(truncated, sizeof(truncated));
  EXPECT_EQ(unmarshal(r4, sel), TPM_RC_INSUFFICIENT);
}

TEST(Marshal, DigestValuesRoundTripAndCheckAlgorithms) {
  std::vector<uint8_t> in = {0, 0, 0, 2, 0x00, 0x04};
  for (int i = 0; i < 20; ++i) in.push_back(static_cast<uint8_t>(i));
  in.push_back(0x00);
  in.push_back(0x0B);
  for (int i = 0; i < 32; ++i) in.push_back(static_cast<uint8_t>(100 + i));
  Reader r(in.data(), in.size());
  DigestValues v;
  ASSERT_EQ(unmarshal(r, v), TPM_RC_SUCCESS);
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(v.d[1].digest[31], 131);
  std::vector<uint8_t> out(in.size());
  Writer w(out.data(), out.size());
  marshal(w, v);
  EXPECT_EQ(out, in);

  in[5] = 0x10;  // TPM_ALG_NULL is not a hash here
  Reader bad(in.data(), in.size());
  EXPECT_EQ(unmarshal(bad, v), TPM_RC_HASH);
  in[5] = 0x04;
  Reader truncated(in.data(), 10);
  EXPECT_EQ(unmarshal(truncated, v), TPM_RC_INSUFFICIENT);
}
