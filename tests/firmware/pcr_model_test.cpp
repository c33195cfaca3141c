// The two PCR models of a context: 'shared' reads PCRs 0-15 from the root
// TPM's ring-1 window and may not change them; 'private' owns 0-23.
#include "chip_harness.h"
#include "tpm/pcr.h"

using namespace tpmtest;

namespace {
constexpr uint32_t kRcLocality = 0x907;

class PcrModel : public ChipTest {
 protected:
  void SetUp() override {
    ChipTest::SetUp();
    ASSERT_EQ(startup(), 0u);  // root
    ASSERT_EQ(extend(0, Bytes(32, 0xA0)), 0u);
    ASSERT_EQ(extend(16, Bytes(32, 0xB0)), 0u);
    root_pcr0_ = pcr_read(0x000B, 0);
    root_pcr16_ = pcr_read(0x000B, 16);
    ASSERT_EQ(xon(), 0u);
  }
  Bytes root_pcr0_, root_pcr16_;
};
}  // namespace

TEST(PcrLayout, RootPcrsZeroToFifteenFillExactlyTheSharedWindow) {
  EXPECT_EQ(offsetof(tpm::Tpm, pcrs), 0u);
  EXPECT_EQ(offsetof(tpm::Root, tpm), 0u);
  EXPECT_EQ(offsetof(tpm::PcrBanks, sha1_high), size_t(MCTPM_ROOT_SHARED_SIZE));
  EXPECT_LT(offsetof(tpm::PcrBanks, update_counter) + 4, size_t(MCTPM_ROOT_SHARED_SIZE) + 1);
  EXPECT_LE(sizeof(tpm::Root), size_t(MCTPM_ROOT_SIZE));
  EXPECT_LE(sizeof(tpm::Tpm), size_t(MCTPM_CTX_SIZE));
}

TEST_F(PcrModel, SharedContextReadsThePlatformPcrsAndCannotChangeThem) {
  launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  ASSERT_EQ(startup(), 0u);
  EXPECT_EQ(pcr_read(0x000B, 0), root_pcr0_);
  EXPECT_EQ(pcr_read(0x000B, 16), Bytes(32, 0));  // its own
  EXPECT_EQ(extend(0, Bytes(32, 1)), kRcLocality);
  EXPECT_EQ(rc(Cmd(kSessions, 0x13C).u32(3).pw_session().tpm2b({1}).done()), kRcLocality);  // PCR_Event
  EXPECT_EQ(rc(Cmd(kSessions, 0x13D).u32(15).pw_session().done()), kRcLocality);  // PCR_Reset
  EXPECT_EQ(extend(16, Bytes(32, 1)), 0u);
  EXPECT_EQ(pcr_read(0x000B, 0), root_pcr0_);
  // The root is untouched.
  EXPECT_EQ(Bytes(root_->tpm.pcrs.sha256_low[0], root_->tpm.pcrs.sha256_low[0] + 32), root_pcr0_);
  EXPECT_EQ(Bytes(root_->tpm.pcrs.sha256_high[0], root_->tpm.pcrs.sha256_high[0] + 32), root_pcr16_);
}

TEST_F(PcrModel, SharedContextSeesPlatformChangesInItsUpdateCounter) {
  launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  ASSERT_EQ(startup(), 0u);
  uint32_t c0 = 0, c1 = 0, c2 = 0;
  pcr_read(0x000B, 0, &c0);
  EXPECT_EQ(c0, root_->tpm.pcrs.update_counter);  // its own is 0 after Startup
  ASSERT_EQ(extend(16, Bytes(32, 1)), 0u);
  pcr_read(0x000B, 0, &c1);
  EXPECT_EQ(c1, c0 + 1);
  // The platform extends PCR 1 in ring 0 (after a trap), the context resumes.
  ASSERT_EQ(rc(mgmt(MCTPM_MGMT_CC_GET_STATE).done()), uint32_t(MCTPM_MGMT_RC_TRAPPED));
  ASSERT_EQ(extend(1, Bytes(32, 2)), 0u);
  ASSERT_EQ(resume({}), 0u);
  pcr_read(0x000B, 0, &c2);
  EXPECT_EQ(c2, c1 + 1);
}

TEST_F(PcrModel, PrivateContextOwnsAllItsPcrs) {
  launch(MCTPM_MGMT_PCR_MODEL_PRIVATE);
  ASSERT_EQ(startup(), 0u);
  EXPECT_EQ(pcr_read(0x000B, 0), Bytes(32, 0));
  ASSERT_EQ(extend(0, Bytes(32, 1)), 0u);
  Bytes expect(32, 0);
  expect.insert(expect.end(), 32, 1);
  EXPECT_EQ(pcr_read(0x000B, 0), sha256(expect));
  EXPECT_EQ(Bytes(root_->tpm.pcrs.sha256_low[0], root_->tpm.pcrs.sha256_low[0] + 32), root_pcr0_);
}
