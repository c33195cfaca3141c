// Hash and event sequences (HashSequenceStart, SequenceUpdate,
// SequenceComplete, EventSequenceComplete), digests checked with OpenSSL.
#include "tpm_client.h"

using namespace tpmtest;

namespace {

constexpr uint16_t kSha1 = 0x0004, kSha256 = 0x000B, kAlgNull = 0x0010;
constexpr uint32_t kCcHashSequenceStart = 0x186, kCcSequenceUpdate = 0x15C;
constexpr uint32_t kCcSequenceComplete = 0x13E, kCcEventSequenceComplete = 0x185;
constexpr uint32_t kRhOwner = 0x40000001;

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class Sequences : public TpmTest {
 protected:
  void SetUp() override {
    TpmTest::SetUp();
    startup();
  }
  uint32_t start(uint16_t alg, const Bytes& auth, uint32_t& handle) {
    Rsp r = exec(Cmd(kNoSessions, kCcHashSequenceStart).tpm2b(auth).u16(alg).done());
    if (r.rc() == 0) {
      handle = r.u32();
      EXPECT_EQ(r.left(), 0u);
    }
    return r.rc();
  }
  uint32_t update(uint32_t seq, const Bytes& data, const Bytes& password = {}) {
    return exec(Cmd(kSessions, kCcSequenceUpdate)
                    .u32(seq)
                    .pw_session(1, password)
                    .tpm2b(data)
                    .done())
        .rc();
  }
};

}  // namespace

TEST_F(Sequences, HashSequenceMatchesOpenSsl) {
  for (uint16_t alg : {kSha1, kSha256}) {
    uint32_t seq = 0;
    ASSERT_EQ(start(alg, {}, seq), 0u);
    EXPECT_EQ(seq >> 24, 0x80u);
    Bytes all;
    for (int i = 0; i < 3; ++i) {
      const Bytes part(100 + i, static_cast<uint8_t>(i));
      ASSERT_EQ(update(seq, part), 0u);
      all = cat(all, part);
    }
    const Bytes last = {'e', 'n', 'd'};
    Rsp r = exec(
        Cmd(kSessions, kCcSequenceComplete).u32(seq).pw_session().tpm2b(last).u32(kRhOwner).done());
    ASSERT_EQ(r.rc(), 0u);
    r.u32();  // parameterSize
    EXPECT_EQ(r.tpm2b(), hash_by_alg(alg, cat(all, last)));
    EXPECT_EQ(r.u16(), 0x8024u);      // TPM_ST_HASHCHECK
    EXPECT_EQ(r.u32(), 0x40000007u);  // the NULL ticket
    EXPECT_EQ(r.u16(), 0u);
    // The sequence is gone.
    EXPECT_EQ(update(seq, {1}), 0x910u);  // REFERENCE_H0
  }
}

TEST_F(Sequences, EventSequenceExtendsEveryBankLikePcrEvent) {
  uint32_t seq = 0;
  ASSERT_EQ(start(kAlgNull, {}, seq), 0u);
  const Bytes a(700, 0x11), b(300, 0x22);
  ASSERT_EQ(update(seq, a), 0u);
  const Bytes data = cat(a, b);
  Cmd c(kSessions, kCcEventSequenceComplete);
  c.u32(16).u32(seq).u32(2 * 9);
  for (int i = 0; i < 2; ++i) c.u32(kRsPw).u16(0).u8(1).u16(0);
  Rsp r = exec(c.tpm2b(b).done());
  ASSERT_EQ(r.rc(), 0u);
  r.u32();
  EXPECT_EQ(r.u32(), 2u);
  EXPECT_EQ(r.u16(), kSha1);
  EXPECT_EQ(r.bytes(20), sha1(data));
  EXPECT_EQ(r.u16(), kSha256);
  EXPECT_EQ(r.bytes(32), sha256(data));
  EXPECT_EQ(pcr_read(kSha256, 16), sha256(cat(Bytes(32, 0), sha256(data))));
  EXPECT_EQ(pcr_read(kSha1, 16), sha1(cat(Bytes(20, 0), sha1(data))));
}

TEST_F(Sequences, SequenceAuthValueIsChecked) {
  uint32_t seq = 0;
  ASSERT_EQ(start(kSha256, {'p', 'w', 0}, seq), 0u);
  EXPECT_EQ(update(seq, {1}), 0x9A2u);  // BAD_AUTH + S1: sequences are noDA
  EXPECT_EQ(update(seq, {1}, {'p', 'w'}), 0u);
}

TEST_F(Sequences, WrongKindOfSequenceIsModeError) {
  uint32_t hash = 0, event = 0;
  ASSERT_EQ(start(kSha256, {}, hash), 0u);
  ASSERT_EQ(start(kAlgNull, {}, event), 0u);
  EXPECT_EQ(exec(Cmd(kSessions, kCcSequenceComplete).u32(event).pw_session().u16(0).u32(kRhOwner).done())
                .rc(),
            0x189u);  // MODE + H1
  Cmd c(kSessions, kCcEventSequenceComplete);
  c.u32(16).u32(hash).u32(2 * 9);
  for (int i = 0; i < 2; ++i) c.u32(kRsPw).u16(0).u8(1).u16(0);
  EXPECT_EQ(exec(c.u16(0).done()).rc(), 0x289u);  // MODE + H2
}

TEST_F(Sequences, FourthObjectIsObjectMemoryAndFlushFreesOne) {
  uint32_t h[4] = {};
  for (int i = 0; i < 3; ++i) ASSERT_EQ(start(kSha256, {}, h[i]), 0u);
  EXPECT_EQ(start(kSha256, {}, h[3]), 0x902u);  // TPM_RC_OBJECT_MEMORY
  ASSERT_EQ(exec(Cmd(kNoSessions, 0x165).u32(h[1]).done()).rc(), 0u);
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x165).u32(h[1]).done()).rc(), 0x1CBu);
  EXPECT_EQ(start(kSha256, {}, h[3]), 0u);
}

TEST_F(Sequences, BadHashAlgorithmIsHashErrorForParameterTwo) {
  uint32_t seq = 0;
  EXPECT_EQ(start(0x0012, {}, seq), 0x2C3u);  // HASH + P2
}
