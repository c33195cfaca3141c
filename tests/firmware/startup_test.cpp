// TPM2_Startup / TPM2_Shutdown and what survives a power cycle.
#include "tpm_client.h"

using namespace tpmtest;

namespace {

constexpr uint32_t kStartup = 0x144;
constexpr uint32_t kShutdown = 0x145;

struct ClockInfo {
  uint64_t time, clock;
  uint32_t reset_count, restart_count;
  uint8_t safe;
};

class Startup : public TpmTest {
 protected:
  uint32_t startup_rc(uint16_t type) { return exec(Cmd(kNoSessions, kStartup).u16(type).done()).rc(); }
  uint32_t shutdown_rc(uint16_t type) {
    return exec(Cmd(kNoSessions, kShutdown).u16(type).done()).rc();
  }
  ClockInfo read_clock() {
    Rsp r = exec(Cmd(kNoSessions, 0x181).done());
    EXPECT_EQ(r.rc(), 0u);
    ClockInfo c;
    c.time = r.u64();
    c.clock = r.u64();
    c.reset_count = r.u32();
    c.restart_count = r.u32();
    c.safe = r.u8();
    EXPECT_EQ(r.left(), 0u);
    return c;
  }
  void extend_some(unsigned pcr) { ASSERT_EQ(pcr_extend(pcr, 0x000B, Bytes(32, 0x5A)), 0u); }
};

}  // namespace

TEST_F(Startup, ClearStartsTheTpmOnce) {
  EXPECT_EQ(startup_rc(0), 0u);
  EXPECT_EQ(startup_rc(0), 0x100u);  // TPM_RC_INITIALIZE
  EXPECT_EQ(startup_rc(1), 0x100u);
}

TEST_F(Startup, UnknownStartupTypeIsParameterOneValue) {
  EXPECT_EQ(startup_rc(2), 0x1C4u);
  EXPECT_EQ(shutdown_rc(0), 0x100u);  // not started yet
}

TEST_F(Startup, StateWithoutShutdownStateIsRefused) {
  EXPECT_EQ(startup_rc(1), 0x1C4u);
  EXPECT_EQ(startup_rc(0), 0u);
  EXPECT_EQ(shutdown_rc(0), 0u);
  tpm::restart(tpm_);
  EXPECT_EQ(startup_rc(1), 0x1C4u);
}

TEST_F(Startup, ResumeKeepsPcr0To15AndRestartsTheRest) {
  ASSERT_EQ(startup_rc(0), 0u);
  extend_some(0);
  extend_some(16);
  const Bytes pcr0 = pcr_read(0x000B, 0);
  const Bytes pcr0_sha1 = pcr_read(0x0004, 0);
  ASSERT_EQ(shutdown_rc(1), 0u);
  tpm::restart(tpm_);
  ASSERT_EQ(startup_rc(1), 0u);
  EXPECT_EQ(pcr_read(0x000B, 0), pcr0);
  EXPECT_EQ(pcr_read(0x0004, 0), pcr0_sha1);
  EXPECT_EQ(pcr_read(0x000B, 16), Bytes(32, 0));
  EXPECT_EQ(read_clock().restart_count, 1u);
}

TEST_F(Startup, RestartAfterShutdownStateClearsPcrsAndCountsARestart) {
  ASSERT_EQ(startup_rc(0), 0u);
  extend_some(0);
  ASSERT_EQ(shutdown_rc(1), 0u);
  tpm::restart(tpm_);
  ASSERT_EQ(startup_rc(0), 0u);
  EXPECT_EQ(pcr_read(0x000B, 0), Bytes(32, 0));
  const ClockInfo c = read_clock();
  EXPECT_EQ(c.restart_count, 1u);
  EXPECT_EQ(c.reset_count, 0u);
}

TEST_F(Startup, ResetCountsResetsAndClearsPcrs) {
  ASSERT_EQ(startup_rc(0), 0u);
  extend_some(5);
  tpm::restart(tpm_);  // no Shutdown: not orderly
  ASSERT_EQ(startup_rc(0), 0u);
  EXPECT_EQ(pcr_read(0x000B, 5), Bytes(32, 0));
  EXPECT_EQ(pcr_read(0x000B, 17), Bytes(32, 0xFF));
  const ClockInfo c = read_clock();
  EXPECT_EQ(c.reset_count, 1u);
  EXPECT_EQ(c.restart_count, 0u);
  EXPECT_EQ(c.safe, 1u);
}

TEST_F(Startup, StartupClearReportsOrderlyOnlyAfterShutdown) {
  auto orderly = [this]() {
    Rsp r = exec(Cmd(kNoSessions, 0x17A).u32(6).u32(0x201).u32(1).done());  // TPM_PT_STARTUP_CLEAR
    EXPECT_EQ(r.rc(), 0u);
    r.u8();
    r.u32();
    EXPECT_EQ(r.u32(), 1u);
    EXPECT_EQ(r.u32(), 0x201u);
    const uint32_t v = r.u32();
    EXPECT_EQ(v & 0xF, 0xFu);  // all hierarchies enabled
    return (v >> 31) != 0;
  };
  ASSERT_EQ(startup_rc(0), 0u);
  EXPECT_FALSE(orderly());
  ASSERT_EQ(shutdown_rc(0), 0u);
  tpm::restart(tpm_);
  ASSERT_EQ(startup_rc(0), 0u);
  EXPECT_TRUE(orderly());
}
