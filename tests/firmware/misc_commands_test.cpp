// GetRandom, StirRandom, ReadClock, SelfTest, IncrementalSelfTest, GetTestResult.
#include "host_hal.h"
#include "soc_map.h"
#include "tpm_client.h"

using namespace tpmtest;

namespace {

class Commands : public TpmTest {
 protected:
  void SetUp() override {
    TpmTest::SetUp();
    startup();
  }
  void TearDown() override { host_hal::set_entropy_failure(false); }
  Rsp get_random(uint16_t n) { return exec(Cmd(kNoSessions, 0x17B).u16(n).done()); }
};

}  // namespace

TEST_F(Commands, GetRandomReturnsWhatWasAskedUpToOneDigest) {
  for (uint16_t n : {0, 1, 16, 32, 33, 1000, 0xFFFF}) {
    Rsp r = get_random(n);
    ASSERT_EQ(r.rc(), 0u);
    EXPECT_EQ(r.tpm2b().size(), std::min<size_t>(n, 32)) << n;
    EXPECT_EQ(r.left(), 0u);
  }
}

TEST_F(Commands, GetRandomOutputsDiffer) {
  Rsp a = get_random(32);
  Rsp b = get_random(32);
  EXPECT_NE(a.tpm2b(), b.tpm2b());
}

TEST_F(Commands, GetRandomFailsWhenTheNoiseSourceFails) {
  host_hal::set_entropy_failure(true);
  EXPECT_EQ(get_random(8).rc(), 0x101u);
  host_hal::set_entropy_failure(false);
  EXPECT_EQ(get_random(8).rc(), 0u);
}

TEST_F(Commands, StirRandomAcceptsUpTo128Bytes) {
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x146).tpm2b(Bytes(128, 1)).done()).rc(), 0u);
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x146).tpm2b(Bytes(129, 1)).done()).rc(), 0x1D5u);
}

TEST_F(Commands, ReadClockCountsMillisecondsOfCycles) {
  Rsp a = exec(Cmd(kNoSessions, 0x181).done());
  ASSERT_EQ(a.rc(), 0u);
  const uint64_t t0 = a.u64();
  const uint64_t c0 = a.u64();
  EXPECT_GE(c0, t0);
  host_hal::advance_cycles(uint64_t{MCTPM_SYS_CLOCK_HZ} * 5);  // five seconds
  Rsp b = exec(Cmd(kNoSessions, 0x181).done());
  const uint64_t t1 = b.u64();
  const uint64_t c1 = b.u64();
  EXPECT_GE(t1, t0 + 5000);
  EXPECT_GE(c1, c0 + 5000);
  b.u32();
  b.u32();
  EXPECT_EQ(b.u8(), 1u);  // safe
  EXPECT_EQ(b.left(), 0u);
}

TEST_F(Commands, ClockContinuesAcrossPowerCycles) {
  host_hal::advance_cycles(uint64_t{MCTPM_SYS_CLOCK_HZ} * 3);
  tpm::restart(tpm_);
  startup();
  Rsp r = exec(Cmd(kNoSessions, 0x181).done());
  const uint64_t time = r.u64();
  const uint64_t clock = r.u64();
  EXPECT_GE(clock, time + 3000);
}

TEST_F(Commands, SelfTestPassesAndGetTestResultSaysSo) {
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x143).u8(1).done()).rc(), 0u);
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x143).u8(2).done()).rc(), 0x1C4u);
  Rsp r = exec(Cmd(kNoSessions, 0x17C).done());
  ASSERT_EQ(r.rc(), 0u);
  EXPECT_TRUE(r.tpm2b().empty());
  EXPECT_EQ(r.u32(), 0u);
  EXPECT_EQ(r.left(), 0u);
}

TEST_F(Commands, IncrementalSelfTestLeavesNothingToDo) {
  Rsp r = exec(Cmd(kNoSessions, 0x142).u32(2).u16(0x0004).u16(0x000B).done());
  ASSERT_EQ(r.rc(), 0u);
  EXPECT_EQ(r.u32(), 0u);
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x142).u32(65).done()).rc(), 0x1D5u);
}

TEST_F(Commands, ShutdownTakesOnlyKnownTypes) {
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x145).u16(7).done()).rc(), 0x1C4u);
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x145).u16(0).done()).rc(), 0u);
}
