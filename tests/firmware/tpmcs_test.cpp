// The TPMCS: a context's state is the same after EXIT, COMMIT and RESUME
// (PCRs, sessions, sequence objects), its size stays in the budget, and a
// malformed one is refused.
#include <iostream>

#include "chip_harness.h"
#include "context/tpmcs.h"

using namespace tpmtest;

namespace {
constexpr uint32_t kCcStartAuthSession = 0x176, kCcHashSequenceStart = 0x186;
constexpr uint32_t kCcSequenceUpdate = 0x15C, kCcSequenceComplete = 0x13E, kCcFlushContext = 0x165;
constexpr size_t kTimeAt = 2 + 1 + 1 + 96 + 2 + 4 + 4 + 8;  // Time (ms) in the TPMCS

class Tpmcs : public ChipTest {
 protected:
  Bytes serialize() {
    Bytes out(context::kTpmcsMax);
    out.resize(context::tpmcs_serialize(*ctx_, out.data(), out.size()));
    EXPECT_FALSE(out.empty());
    // Time moves on by itself; everything else must be equal.
    for (size_t i = kTimeAt; i < kTimeAt + 8 && i < out.size(); ++i) out[i] = 0;
    return out;
  }
  uint32_t start_session(uint8_t type) {
    Rsp r = send(Cmd(kNoSessions, kCcStartAuthSession)
                     .u32(kRhNull).u32(kRhNull).tpm2b(Bytes(32, 0xA5)).tpm2b({}).u8(type)
                     .u16(0x0010).u16(0x000B).done());
    EXPECT_EQ(r.rc(), 0u);
    return r.u32();
  }
  uint32_t start_sequence() {
    Rsp r = send(Cmd(kNoSessions, kCcHashSequenceStart).tpm2b({}).u16(0x000B).done());
    EXPECT_EQ(r.rc(), 0u);
    return r.u32();
  }
};
}  // namespace

TEST_F(Tpmcs, AContextIsTheSameAfterExitCommitAndResume) {
  ASSERT_EQ(xon(), 0u);
  launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  ASSERT_EQ(startup(), 0u);
  ASSERT_EQ(extend(16, Bytes(32, 1)), 0u);
  ASSERT_EQ(extend(23, Bytes(32, 2)), 0u);
  const uint32_t hmac = start_session(0x00);
  const uint32_t policy = start_session(0x01);
  const uint32_t seq = start_sequence();
  ASSERT_EQ(rc(Cmd(kSessions, kCcSequenceUpdate).u32(seq).pw_session().tpm2b({'a', 'b'}).done()), 0u);
  const Bytes before = serialize();
  const Bytes pcr16 = pcr_read(0x0004, 16);
  const Bytes blob = park_and_commit();
  EXPECT_TRUE(context_region_zero());
  ASSERT_EQ(resume(blob), 0u);
  EXPECT_EQ(serialize(), before);
  EXPECT_EQ(pcr_read(0x0004, 16), pcr16);
  // The sequence goes on where it was: SHA-256("abc").
  Rsp r = send(Cmd(kSessions, kCcSequenceComplete).u32(seq).pw_session().tpm2b({'c'}).u32(kRhNull).done());
  ASSERT_EQ(r.rc(), 0u);
  r.u32();
  EXPECT_EQ(r.tpm2b(), sha256({'a', 'b', 'c'}));
  // Both sessions are still loaded.
  EXPECT_EQ(rc(Cmd(kNoSessions, kCcFlushContext).u32(hmac).done()), 0u);
  EXPECT_EQ(rc(Cmd(kNoSessions, kCcFlushContext).u32(policy).done()), 0u);
}

TEST_F(Tpmcs, PrivateContextKeepsAllItsPcrsAndShutdownStateSurvives) {
  ASSERT_EQ(xon(), 0u);
  launch(MCTPM_MGMT_PCR_MODEL_PRIVATE);
  ASSERT_EQ(startup(), 0u);
  ASSERT_EQ(extend(0, Bytes(32, 1)), 0u);
  ASSERT_EQ(extend(7, Bytes(32, 7)), 0u);
  const Bytes pcr0 = pcr_read(0x000B, 0);
  ASSERT_EQ(rc(Cmd(kNoSessions, 0x145).u16(1).done()), 0u);  // Shutdown(STATE)
  ASSERT_EQ(extend(0, Bytes(32, 3)), 0u);                   // after the save
  const Bytes before = serialize();
  const Bytes blob = park_and_commit();
  ASSERT_EQ(resume(blob), 0u);
  EXPECT_EQ(serialize(), before);
  EXPECT_NE(pcr_read(0x000B, 0), pcr0);
}

TEST_F(Tpmcs, SizesStayWithinTheBudget) {
  ASSERT_EQ(xon(), 0u);
  launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  const size_t fresh_shared = serialize().size();
  ASSERT_EQ(startup(), 0u);
  for (int i = 0; i < 3; ++i) start_session(0x00);
  const size_t three_sessions = serialize().size();
  park_and_commit();
  launch(MCTPM_MGMT_PCR_MODEL_PRIVATE);
  const size_t fresh_private = serialize().size();
  ASSERT_EQ(startup(), 0u);
  for (unsigned p = 0; p < 24; ++p) {
    if (p < 16 || p == 16 || p == 23) {
      ASSERT_EQ(extend(p, Bytes(32, uint8_t(p))), 0u);
    }
  }
  const size_t private_measured = serialize().size();
  std::cout << "TPMCS bytes (padded): fresh shared " << fresh_shared << ", fresh private "
            << fresh_private << ", shared with 3 sessions " << three_sessions
            << ", private with PCRs 0-16,23 extended " << private_measured << "\n";
  EXPECT_LE(fresh_shared, context::kTpmcsMax);
  EXPECT_LE(three_sessions, context::kTpmcsMax);
  EXPECT_LE(private_measured, context::kTpmcsMax);
  EXPECT_EQ(fresh_shared, fresh_private);  // nothing extended: no PCR stored
}

TEST_F(Tpmcs, MalformedTpmcsIsRefusedAndLeavesTheObjectZero) {
  ASSERT_EQ(xon(), 0u);
  launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  ASSERT_EQ(startup(), 0u);
  start_session(0x00);
  Bytes good(context::kTpmcsMax);
  good.resize(context::tpmcs_serialize(*ctx_, good.data(), good.size()));
  tpm::Tpm t{};  // deserialize fills a zero object (the scrubbed context region)
  ASSERT_TRUE(context::tpmcs_deserialize(t, good.data(), good.size(), &root_->tpm));
  std::memset(&t, 0, sizeof t);
  EXPECT_FALSE(context::tpmcs_deserialize(t, good.data(), good.size(), nullptr));  // shared needs the platform
  Bytes bad = good;
  bad[1] ^= 1;  // version
  EXPECT_FALSE(context::tpmcs_deserialize(t, bad.data(), bad.size(), &root_->tpm));
  bad = good;
  bad[2] = 7;  // model
  EXPECT_FALSE(context::tpmcs_deserialize(t, bad.data(), bad.size(), &root_->tpm));
  bad = good;
  bad.back() = 1;  // padding
  EXPECT_FALSE(context::tpmcs_deserialize(t, bad.data(), bad.size(), &root_->tpm));
  // Padding is under 16 bytes: cutting 16 or more always cuts content.
  for (size_t len = 0; len + 16 <= good.size(); ++len) {
    ASSERT_FALSE(context::tpmcs_deserialize(t, good.data(), len, &root_->tpm)) << len;
  }
  const Bytes zero(sizeof(tpm::Tpm), 0);
  EXPECT_FALSE(context::tpmcs_deserialize(t, good.data(), 40, &root_->tpm));
  EXPECT_EQ(Bytes(reinterpret_cast<uint8_t*>(&t), reinterpret_cast<uint8_t*>(&t) + sizeof t), zero);
}
