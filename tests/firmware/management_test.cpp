// Management commands (spec/management.md) on a modelled chip: the flows,
// every response code and the state GET_STATE / GET_CONTEXT report.
#include "chip_harness.h"

using namespace tpmtest;

namespace {
constexpr uint8_t kShared = MCTPM_MGMT_PCR_MODEL_SHARED;
constexpr uint8_t kPrivate = MCTPM_MGMT_PCR_MODEL_PRIVATE;
constexpr uint32_t kRcValueP1 = 0x1C4;  // TPM_RC_VALUE, parameter 1
constexpr uint32_t kRcInitialize = 0x100;
constexpr uint32_t kCcGetRandom = 0x17B;

class Management : public ChipTest {};
}  // namespace

TEST_F(Management, PowerOnIsAPlainTpmInRingZeroWithTheEnginesDeviceId) {
  const State s = state();
  EXPECT_EQ(s.virt, 0);
  EXPECT_EQ(s.cr0, 0);
  EXPECT_EQ(s.slot, MCTPM_MGMT_SLOT_EMPTY);
  EXPECT_EQ(s.id, 0u);
  EXPECT_EQ(s.mask, MCTPM_MGMT_DEFAULT_PCR_MASK);
  EXPECT_EQ(s.live, 0u);
  EXPECT_EQ(s.next_id, 1u);
  EXPECT_EQ(s.device_id, device_id_by_openssl());
  EXPECT_EQ(startup(), 0u);  // the root TPM
  EXPECT_EQ(rc(Cmd(kNoSessions, kCcGetRandom).u16(8).done()), 0u);
}

TEST_F(Management, XonNeedsAProvisionedSecretAndIsRefusedTwice) {
  seal_model::set_secret({});
  power_on();
  EXPECT_EQ(xon(), MCTPM_MGMT_RC_NO_SECRET);
  EXPECT_EQ(state().virt, 0);
  seal_model::set_secret(secret_of(1));
  power_on();
  EXPECT_EQ(xon(0x00FF), 0u);
  EXPECT_EQ(xon(0x00FF), MCTPM_MGMT_RC_VIRT_ON);
  EXPECT_EQ(state().mask, 0x00FFu);
}

TEST_F(Management, XonRefusesAMaskBeyondThePlatformPcrs) {
  EXPECT_EQ(xon(0x10000), kRcValueP1);
  EXPECT_EQ(state().virt, 0);
}

TEST_F(Management, XoffNeedsVirtualizationAndAnEmptySlot) {
  EXPECT_EQ(xoff(), MCTPM_MGMT_RC_VIRT_OFF);
  ASSERT_EQ(xon(), 0u);
  launch();
  EXPECT_EQ(xoff(), MCTPM_MGMT_RC_TRAPPED);  // from ring 1
  EXPECT_EQ(xoff(), MCTPM_MGMT_RC_BUSY);     // again in ring 0
  exit_blob();
  EXPECT_EQ(xoff(), MCTPM_MGMT_RC_BUSY);  // parked is still loaded
  ASSERT_EQ(commit(), 0u);
  EXPECT_EQ(xoff(), 0u);
  EXPECT_EQ(state().virt, 0);
}

TEST_F(Management, LaunchNeedsXonAndAValidPcrModel) {
  EXPECT_EQ(launch_rc(kShared), MCTPM_MGMT_RC_VIRT_OFF);
  ASSERT_EQ(xon(), 0u);
  EXPECT_EQ(launch_rc(2), kRcValueP1);
  EXPECT_EQ(state().slot, MCTPM_MGMT_SLOT_EMPTY);
}

TEST_F(Management, LaunchEntersRingOneWithAFreshContextThatNeedsStartup) {
  ASSERT_EQ(xon(), 0u);
  ASSERT_EQ(startup(), 0u);  // root TPM started
  const uint32_t id = launch(kPrivate);
  EXPECT_EQ(id, 1u);
  EXPECT_TRUE(ring_model::cr0());
  EXPECT_TRUE(tpm::is_context(*ctx_));
  EXPECT_EQ(rc(Cmd(kNoSessions, kCcGetRandom).u16(8).done()), kRcInitialize);  // the context's
  EXPECT_EQ(startup(), 0u);
  EXPECT_EQ(rc(Cmd(kNoSessions, kCcGetRandom).u16(8).done()), 0u);
  // Fresh seeds from the entropy source: not zero, not the same.
  const tpm::ContextSeeds& s = ctx_->seeds;
  EXPECT_NE(Bytes(s.endorsement, s.endorsement + 32), Bytes(32, 0));
  EXPECT_NE(Bytes(s.endorsement, s.endorsement + 32), Bytes(s.storage, s.storage + 32));
  EXPECT_NE(Bytes(s.storage, s.storage + 32), Bytes(s.platform, s.platform + 32));
}

TEST_F(Management, ManagementCommandsFromRingOneAreTrappedAndTheContextStaysActive) {
  ASSERT_EQ(xon(), 0u);
  const uint32_t id = launch();
  EXPECT_EQ(rc(mgmt(MCTPM_MGMT_CC_GET_STATE).done()), MCTPM_MGMT_RC_TRAPPED);
  EXPECT_FALSE(ring_model::cr0());
  const State s = state();
  EXPECT_EQ(s.slot, MCTPM_MGMT_SLOT_ACTIVE);
  EXPECT_EQ(s.id, id);
  EXPECT_EQ(s.traps, 1u);
  EXPECT_EQ(resume({}), 0u);  // back to the context
  EXPECT_TRUE(ring_model::cr0());
}

TEST_F(Management, FirmwareAnswersTrappedToAManagementCommandSeenInRingOneAndDoesNothing) {
  ASSERT_EQ(xon(), 0u);
  launch();
  // The hardware never lets this through; the firmware must not act on it.
  const Bytes cmd = mgmt(MCTPM_MGMT_CC_CLEAR).u32(1).done();
  Bytes rsp(4096);
  tpm::CommandIn in{cmd.data(), cmd.size(), 0, false};
  ASSERT_TRUE(ring_model::cr0());
  const size_t n = tpm::execute_chip(chip_, in, rsp.data(), rsp.size());
  ASSERT_EQ(n, 10u);
  rsp.resize(n);
  EXPECT_EQ(Rsp(rsp).rc(), uint32_t(MCTPM_MGMT_RC_TRAPPED));
  ring_model::force_cr0(false);
  EXPECT_EQ(context_info(1).first, MCTPM_MGMT_CONTEXT_LIVE);
  EXPECT_EQ(state().slot, MCTPM_MGMT_SLOT_ACTIVE);
}

TEST_F(Management, ExitParksWithCommittedPlusOneAndRepeatsWithAFreshBlob) {
  ASSERT_EQ(xon(), 0u);
  launch();
  const Bytes a = exit_blob();
  State s = state();
  EXPECT_EQ(s.slot, MCTPM_MGMT_SLOT_PARKED);
  EXPECT_EQ(s.counter, 1u);
  const Bytes b = exit_blob();
  EXPECT_EQ(state().counter, 1u);
  EXPECT_NE(a, b);  // fresh nonce
  EXPECT_EQ(Bytes(a.begin() + 20, a.begin() + 24), Bytes(b.begin() + 20, b.begin() + 24));
  EXPECT_EQ(context_info(1), std::make_pair(uint8_t(MCTPM_MGMT_CONTEXT_LIVE), 0u));  // no NV yet
}

TEST_F(Management, CommitNeedsAParkedContextThenScrubsAndRecordsTheCounter) {
  ASSERT_EQ(xon(), 0u);
  EXPECT_EQ(commit(), MCTPM_MGMT_RC_NO_CONTEXT);
  launch();
  ASSERT_EQ(startup(), 0u);
  EXPECT_EQ(commit(), MCTPM_MGMT_RC_TRAPPED);
  EXPECT_EQ(commit(), MCTPM_MGMT_RC_NOT_PARKED);
  exit_blob();
  EXPECT_FALSE(context_region_zero());
  EXPECT_EQ(commit(), 0u);
  EXPECT_TRUE(context_region_zero());
  EXPECT_EQ(state().slot, MCTPM_MGMT_SLOT_EMPTY);
  EXPECT_EQ(context_info(1), std::make_pair(uint8_t(MCTPM_MGMT_CONTEXT_LIVE), 1u));
}

TEST_F(Management, ResumeChecksItsPreconditions) {
  EXPECT_EQ(resume({}), MCTPM_MGMT_RC_NO_CONTEXT);
  ASSERT_EQ(xon(), 0u);
  launch();
  const Bytes blob = park_and_commit();
  ASSERT_EQ(xoff(), 0u);
  EXPECT_EQ(resume(blob), MCTPM_MGMT_RC_VIRT_OFF);
  ASSERT_EQ(xon(), 0u);
  launch();
  EXPECT_EQ(resume(blob), MCTPM_MGMT_RC_TRAPPED);
  EXPECT_EQ(resume(blob), MCTPM_MGMT_RC_BUSY);
}

TEST_F(Management, ResumeOfEmptyBlobReentersAParkedContextAtItsCommittedCounter) {
  ASSERT_EQ(xon(), 0u);
  launch();
  exit_blob();
  EXPECT_EQ(resume({}), 0u);
  EXPECT_TRUE(ring_model::cr0());
  ring_model::force_cr0(false);
  const State s = state();
  EXPECT_EQ(s.slot, MCTPM_MGMT_SLOT_ACTIVE);
  EXPECT_EQ(s.counter, 0u);
}

TEST_F(Management, ClearChecksTheIdScrubsALoadedContextAndIsFinal) {
  ASSERT_EQ(xon(), 0u);
  EXPECT_EQ(clear(1), MCTPM_MGMT_RC_NO_CONTEXT);
  const uint32_t id = launch();
  ring_model::force_cr0(false);
  EXPECT_EQ(clear(id), 0u);
  EXPECT_TRUE(context_region_zero());
  EXPECT_EQ(state().slot, MCTPM_MGMT_SLOT_EMPTY);
  EXPECT_EQ(clear(id), MCTPM_MGMT_RC_CLEARED);
  EXPECT_EQ(context_info(id).first, MCTPM_MGMT_CONTEXT_CLEARED);
  EXPECT_EQ(context_info(99).first, MCTPM_MGMT_CONTEXT_UNKNOWN);
  power_on();
  EXPECT_EQ(context_info(id).first, MCTPM_MGMT_CONTEXT_CLEARED);
  EXPECT_EQ(state().next_id, id + 1);
}

TEST_F(Management, TheContextTableHoldsAtMostMaxContextsLive) {
  ASSERT_EQ(xon(), 0u);
  for (uint32_t i = 0; i < MCTPM_MGMT_MAX_CONTEXTS; ++i) {
    ASSERT_EQ(launch_rc(kShared), 0u) << i;
    exit_blob();
    ASSERT_EQ(commit(), 0u);
  }
  EXPECT_EQ(launch_rc(kShared), MCTPM_MGMT_RC_FULL);
  EXPECT_EQ(state().live, uint32_t(MCTPM_MGMT_MAX_CONTEXTS));
  ASSERT_EQ(clear(5), 0u);
  EXPECT_EQ(launch_rc(kShared), 0u);
  // Everything survives a power cycle (the log compacted on the way).
  power_on();
  EXPECT_EQ(state().live, uint32_t(MCTPM_MGMT_MAX_CONTEXTS));
  EXPECT_EQ(context_info(5).first, MCTPM_MGMT_CONTEXT_CLEARED);
  EXPECT_EQ(context_info(7), std::make_pair(uint8_t(MCTPM_MGMT_CONTEXT_LIVE), 1u));
}

TEST_F(Management, AFailingFlashAnswersNvAndChangesNothing) {
  ASSERT_EQ(xon(), 0u);
  host_hal::nv_set_failure(true);
  EXPECT_EQ(launch_rc(kShared), MCTPM_MGMT_RC_NV);
  State s = state();
  EXPECT_EQ(s.slot, MCTPM_MGMT_SLOT_EMPTY);
  EXPECT_EQ(s.next_id, 1u);
  EXPECT_FALSE(ring_model::cr0());
  host_hal::nv_set_failure(false);
  const uint32_t id = launch();
  exit_blob();
  host_hal::nv_set_failure(true);
  EXPECT_EQ(commit(), MCTPM_MGMT_RC_NV);
  EXPECT_EQ(state().slot, MCTPM_MGMT_SLOT_PARKED);
  EXPECT_FALSE(context_region_zero());
  EXPECT_EQ(clear(id), MCTPM_MGMT_RC_NV);
  EXPECT_EQ(context_info(id), std::make_pair(uint8_t(MCTPM_MGMT_CONTEXT_LIVE), 0u));
  host_hal::nv_set_failure(false);
  EXPECT_EQ(commit(), 0u);
  power_on();
  EXPECT_EQ(context_info(id), std::make_pair(uint8_t(MCTPM_MGMT_CONTEXT_LIVE), 1u));
}

TEST_F(Management, ManagementCommandsRefuseTrailingBytes) {
  EXPECT_EQ(rc(mgmt(MCTPM_MGMT_CC_GET_STATE).u8(0).done()), 0x95u);  // TPM_RC_SIZE
  EXPECT_EQ(rc(mgmt(MCTPM_MGMT_CC_EXIT).u8(0).done()), 0x95u);
}

TEST_F(Management, APlainTpmWithoutTheChipDoesNotKnowManagementCommands) {
  tpm::Tpm t;
  tpm::init(t);
  const Bytes cmd = mgmt(MCTPM_MGMT_CC_GET_STATE).done();
  Bytes rsp(64);
  tpm::CommandIn in{cmd.data(), cmd.size(), 0, false};
  rsp.resize(tpm::execute(t, in, rsp.data(), rsp.size()));
  EXPECT_EQ(Rsp(rsp).rc(), 0x143u);  // TPM_RC_COMMAND_CODE
}
