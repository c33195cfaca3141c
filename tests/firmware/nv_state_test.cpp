// The TPM's persistent state in the flash (tpm/nv_state.h): what a power
// cycle keeps, torn and corrupted records, a failing flash. A "boot" here is
// what the firmware does at power-on: tpm::init (nothing kept in RAM), then
// nv_state::load.
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

#include "hal/nv.h"
#include "host_hal.h"
#include "nv_layout.h"
#include "soc_map.h"
#include "tpm/nv_state.h"
#include "tpm_client.h"

using namespace tpmtest;
using tpm::nv_state::LoadResult;

namespace {

constexpr uint32_t kStartup = 0x144;
constexpr uint32_t kShutdown = 0x145;
constexpr uint32_t kReadClock = 0x181;
constexpr uint32_t kGetRandom = 0x17B;
constexpr uint16_t kSha1 = 0x0004;
constexpr uint16_t kSha256 = 0x000B;
constexpr uint32_t kRcInitialize = 0x100;
constexpr uint32_t kRcNvUnavailable = 0x923;
constexpr uint32_t kRcStartupValue = 0x1C4;  // TPM_RC_VALUE, parameter 1
constexpr uint64_t kCyclesPerMs = MCTPM_SYS_CLOCK_HZ / 1000;
constexpr uint32_t kSectorA = MCTPM_NV_TPM_STATE_A;
constexpr uint32_t kSectorB = MCTPM_NV_TPM_STATE_B;
constexpr uint32_t kRecordSize = tpm::nv_state::kRecordSize;

struct ClockInfo {
  uint64_t time, clock;
  uint32_t reset_count, restart_count;
  uint8_t safe;
};

// The fields of NvState (it has padding: no memcmp).
bool same_nv(const tpm::NvState& a, const tpm::NvState& b) {
  return a.orderly == b.orderly && a.ever_started == b.ever_started &&
         a.reset_count == b.reset_count && a.restart_count == b.restart_count &&
         a.saved_pcr_update_counter == b.saved_pcr_update_counter &&
         std::memcmp(a.saved_sha1, b.saved_sha1, sizeof a.saved_sha1) == 0 &&
         std::memcmp(a.saved_sha256, b.saved_sha256, sizeof a.saved_sha256) == 0;
}

uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

class NvStateTest : public TpmTest {
 protected:
  void SetUp() override {
    // Just the two sectors: the torn-write loops rewrite the whole device.
    host_hal::nv_reset(std::max(kSectorA, kSectorB) + hal::kNvSectorSize);
    TpmTest::SetUp();
    ASSERT_EQ(tpm::nv_state::load(tpm_), LoadResult::Erased);
  }
  void TearDown() override { host_hal::nv_reset(MCTPM_NV_MIN_FLASH_SIZE); }

  LoadResult boot() {
    tpm::init(tpm_);
    return tpm::nv_state::load(tpm_);
  }
  uint32_t startup_rc(uint16_t type) { return exec(Cmd(kNoSessions, kStartup).u16(type).done()).rc(); }
  uint32_t shutdown_rc(uint16_t type) {
    return exec(Cmd(kNoSessions, kShutdown).u16(type).done()).rc();
  }
  ClockInfo read_clock() {
    Rsp r = exec(Cmd(kNoSessions, kReadClock).done());
    EXPECT_EQ(r.rc(), 0u);
    ClockInfo c;
    c.time = r.u64();
    c.clock = r.u64();
    c.reset_count = r.u32();
    c.restart_count = r.u32();
    c.safe = r.u8();
    return c;
  }
  uint32_t pcr_update_counter() {
    Rsp r = exec(Cmd(kNoSessions, 0x17E).u32(1).u16(kSha256).u8(3).u8(1).u8(0).u8(0).done());
    EXPECT_EQ(r.rc(), 0u);
    return r.u32();
  }
  // Every PCR of both banks, in order.
  std::vector<Bytes> all_pcrs() {
    std::vector<Bytes> v;
    for (unsigned i = 0; i < tpm::kPcrCount; ++i) {
      v.push_back(pcr_read(kSha1, i));
      v.push_back(pcr_read(kSha256, i));
    }
    return v;
  }
  void extend_all(uint8_t seed) {
    for (unsigned i = 0; i < tpm::kPcrCount; ++i) {
      // 17-22 take extends from some of localities 1-4, all from 2 (PC Client).
      const uint8_t locality = (i >= 17 && i <= 22) ? 2 : 0;
      ASSERT_EQ(pcr_extend(i, kSha256, Bytes(32, uint8_t(seed + i)), locality), 0u) << i;
      ASSERT_EQ(pcr_extend(i, kSha1, Bytes(20, uint8_t(seed ^ i)), locality), 0u) << i;
    }
  }
  static Bytes flash() { return host_hal::nv_contents(); }
  // Puts an exact image into the (erased-then-programmed) device.
  static void set_flash(const Bytes& image) {
    host_hal::nv_reset(image.size());
    ASSERT_TRUE(hal::nv_program(0, image.data(), image.size()));
  }
  static uint32_t seq_at(const Bytes& image, uint32_t sector) { return be32(&image[sector + 8]); }
};

}  // namespace

TEST_F(NvStateTest, FirstStartupWritesRecordOneToSectorA) {
  ASSERT_EQ(startup_rc(0), 0u);
  const Bytes f = flash();
  EXPECT_EQ(be32(&f[kSectorA]), tpm::nv_state::kMagic);
  EXPECT_EQ(seq_at(f, kSectorA), 1u);
  EXPECT_EQ(Bytes(f.begin() + kSectorB, f.begin() + kSectorB + hal::kNvSectorSize),
            Bytes(hal::kNvSectorSize, 0xFF));
  // The digest is SHA-256 over everything before it (checked with OpenSSL).
  uint8_t digest[32];
  SHA256(&f[kSectorA], kRecordSize - 32, digest);
  EXPECT_EQ(0, std::memcmp(digest, &f[kSectorA + kRecordSize - 32], 32));
  EXPECT_EQ(boot(), LoadResult::Loaded);
}

TEST_F(NvStateTest, SavesAlternateSectorsWithRisingSequence) {
  ASSERT_EQ(startup_rc(0), 0u);     // A: 1
  ASSERT_EQ(shutdown_rc(0), 0u);    // B: 2
  ASSERT_EQ(boot(), LoadResult::Loaded);
  ASSERT_EQ(startup_rc(0), 0u);     // A: 3
  const Bytes f = flash();
  EXPECT_EQ(seq_at(f, kSectorA), 3u);
  EXPECT_EQ(seq_at(f, kSectorB), 2u);
  ASSERT_EQ(shutdown_rc(1), 0u);    // B: 4
  EXPECT_EQ(seq_at(flash(), kSectorB), 4u);
  ASSERT_EQ(boot(), LoadResult::Loaded);
  EXPECT_EQ(tpm_.nv.orderly, 1u);   // the B record, not the older A one
}

TEST_F(NvStateTest, ShutdownStateThenPowerCycleResumesPcr0To15AndCounters) {
  ASSERT_EQ(startup_rc(0), 0u);
  extend_all(0x30);
  const std::vector<Bytes> before = all_pcrs();
  const uint32_t counter = pcr_update_counter();
  const ClockInfo c0 = read_clock();
  ASSERT_EQ(shutdown_rc(1), 0u);
  ASSERT_EQ(boot(), LoadResult::Loaded);
  ASSERT_EQ(startup_rc(1), 0u);
  const std::vector<Bytes> after = all_pcrs();
  for (unsigned i = 0; i < tpm::kPcrCount; ++i) {
    const bool drtm = i >= 17 && i <= 22;
    const Bytes init1(20, drtm ? 0xFF : 0), init256(32, drtm ? 0xFF : 0);
    EXPECT_EQ(after[2 * i], i < 16 ? before[2 * i] : init1) << "sha1 PCR " << i;
    EXPECT_EQ(after[2 * i + 1], i < 16 ? before[2 * i + 1] : init256) << "sha256 PCR " << i;
  }
  EXPECT_EQ(pcr_update_counter(), counter);
  const ClockInfo c1 = read_clock();
  EXPECT_EQ(c1.reset_count, c0.reset_count);
  EXPECT_EQ(c1.restart_count, c0.restart_count + 1);
  EXPECT_GE(c1.clock, c0.clock);  // Clock went on from where Shutdown left it
  EXPECT_EQ(c1.safe, 1u);
}

TEST_F(NvStateTest, StartupClearAfterShutdownStateIsARestartThatClearsPcrs) {
  ASSERT_EQ(startup_rc(0), 0u);
  extend_all(0x11);
  ASSERT_EQ(shutdown_rc(1), 0u);
  ASSERT_EQ(boot(), LoadResult::Loaded);
  ASSERT_EQ(startup_rc(0), 0u);
  EXPECT_EQ(pcr_read(kSha256, 0), Bytes(32, 0));
  EXPECT_EQ(pcr_read(kSha1, 15), Bytes(20, 0));
  EXPECT_EQ(pcr_read(kSha256, 17), Bytes(32, 0xFF));
  EXPECT_EQ(pcr_update_counter(), 0u);
  const ClockInfo c = read_clock();
  EXPECT_EQ(c.reset_count, 0u);
  EXPECT_EQ(c.restart_count, 1u);
}

TEST_F(NvStateTest, PowerLossWithoutShutdownIsAResetAndClockIsNotSafe) {
  ASSERT_EQ(startup_rc(0), 0u);
  ASSERT_EQ(shutdown_rc(0), 0u);
  ASSERT_EQ(boot(), LoadResult::Loaded);
  ASSERT_EQ(startup_rc(0), 0u);
  EXPECT_EQ(read_clock().reset_count, 1u);
  ASSERT_EQ(boot(), LoadResult::Loaded);  // power lost: no Shutdown
  EXPECT_EQ(startup_rc(1), kRcStartupValue);
  ASSERT_EQ(startup_rc(0), 0u);
  const ClockInfo c = read_clock();
  EXPECT_EQ(c.reset_count, 2u);
  EXPECT_EQ(c.restart_count, 0u);
  EXPECT_EQ(c.safe, 0u);
}

TEST_F(NvStateTest, AResumedStateCannotBeResumedAgainAfterPowerLoss) {
  ASSERT_EQ(startup_rc(0), 0u);
  ASSERT_EQ(shutdown_rc(1), 0u);
  ASSERT_EQ(boot(), LoadResult::Loaded);
  ASSERT_EQ(startup_rc(1), 0u);
  ASSERT_EQ(boot(), LoadResult::Loaded);
  EXPECT_EQ(startup_rc(1), kRcStartupValue);
}

TEST_F(NvStateTest, ClockSurvivesAPowerCycle) {
  ASSERT_EQ(startup_rc(0), 0u);
  host_hal::advance_cycles(5000 * kCyclesPerMs);
  ASSERT_EQ(shutdown_rc(0), 0u);
  ASSERT_EQ(boot(), LoadResult::Loaded);
  ASSERT_EQ(startup_rc(0), 0u);
  const ClockInfo c = read_clock();
  EXPECT_GE(c.clock, 5000u);
  EXPECT_LT(c.time, 5000u);
}

TEST_F(NvStateTest, ClockIsSavedOncePerIntervalAndNotMoreOften) {
  ASSERT_EQ(startup_rc(0), 0u);  // A: 1
  for (int i = 0; i < 20; ++i) read_clock();
  EXPECT_EQ(be32(&flash()[kSectorB]), 0xFFFFFFFFu);  // no save without an interval passing
  host_hal::advance_cycles(tpm::nv_state::kClockSaveIntervalMs * kCyclesPerMs);
  EXPECT_EQ(exec(Cmd(kNoSessions, kGetRandom).u16(8).done()).rc(), 0u);  // any command
  EXPECT_EQ(seq_at(flash(), kSectorB), 2u);
  for (int i = 0; i < 20; ++i) read_clock();
  EXPECT_EQ(seq_at(flash(), kSectorA), 1u);  // once per interval
  ASSERT_EQ(boot(), LoadResult::Loaded);     // power lost
  ASSERT_EQ(startup_rc(0), 0u);
  ClockInfo c = read_clock();
  EXPECT_GE(c.clock, tpm::nv_state::kClockSaveIntervalMs);
  EXPECT_EQ(c.safe, 0u);
  // The next periodic save makes Clock safe again.
  host_hal::advance_cycles(tpm::nv_state::kClockSaveIntervalMs * kCyclesPerMs);
  read_clock();
  c = read_clock();
  EXPECT_GE(c.clock, 2 * tpm::nv_state::kClockSaveIntervalMs);
  EXPECT_EQ(c.safe, 1u);
}

// Power lost while the next record is programmed, after each byte: the
// previous record (Shutdown(STATE)) always loads, the new one only once whole.
TEST_F(NvStateTest, TornProgramAtEveryByteKeepsThePreviousRecord) {
  ASSERT_EQ(startup_rc(0), 0u);
  extend_all(0x42);
  ASSERT_EQ(shutdown_rc(1), 0u);
  const Bytes good = flash();
  const tpm::NvState good_nv = tpm_.nv;
  ASSERT_EQ(boot(), LoadResult::Loaded);
  ASSERT_EQ(startup_rc(1), 0u);  // the next record: orderly cleared, restart counted
  const Bytes next = flash();
  const tpm::NvState next_nv = tpm_.nv;
  ASSERT_FALSE(same_nv(good_nv, next_nv));
  const uint32_t target = seq_at(next, kSectorA) > seq_at(next, kSectorB) ? kSectorA : kSectorB;
  for (uint32_t k = 0; k <= kRecordSize; ++k) {
    Bytes torn = good;
    std::fill(torn.begin() + target, torn.begin() + target + hal::kNvSectorSize, 0xFF);
    std::copy(next.begin() + target, next.begin() + target + k, torn.begin() + target);
    set_flash(torn);
    ASSERT_EQ(boot(), LoadResult::Loaded) << k;
    ASSERT_TRUE(same_nv(tpm_.nv, k == kRecordSize ? next_nv : good_nv)) << k;
  }
  // And the good state is really usable: it resumes.
  set_flash(good);
  ASSERT_EQ(boot(), LoadResult::Loaded);
  EXPECT_EQ(startup_rc(1), 0u);
}

// Power lost while the older sector is erased (bytes already 0xFF from the
// start up to k, the rest still the old record).
TEST_F(NvStateTest, TornEraseAtEveryByteKeepsTheNewestRecord) {
  ASSERT_EQ(startup_rc(0), 0u);
  ASSERT_EQ(shutdown_rc(1), 0u);  // B: newest; A (the Startup record) is next to go
  const Bytes good = flash();
  const tpm::NvState good_nv = tpm_.nv;
  ASSERT_GT(seq_at(good, kSectorB), seq_at(good, kSectorA));
  for (uint32_t k = 0; k <= kRecordSize; ++k) {
    Bytes torn = good;
    std::fill(torn.begin() + kSectorA, torn.begin() + kSectorA + k, 0xFF);
    set_flash(torn);
    ASSERT_EQ(boot(), LoadResult::Loaded) << k;
    ASSERT_TRUE(same_nv(tpm_.nv, good_nv)) << k;
  }
}

TEST_F(NvStateTest, TornFirstRecordStartsFresh) {
  ASSERT_EQ(startup_rc(0), 0u);
  Bytes torn = flash();
  std::fill(torn.begin() + kSectorA + kRecordSize / 2, torn.begin() + kSectorA + kRecordSize, 0xFF);
  set_flash(torn);
  ASSERT_EQ(boot(), LoadResult::NoValid);
  EXPECT_FALSE(tpm_.nv.ever_started);
  ASSERT_EQ(startup_rc(0), 0u);
  EXPECT_EQ(read_clock().reset_count, 0u);
}

// A flipped bit anywhere in the newest record: it is ignored and the older
// record loads; with both records corrupt nothing is trusted.
TEST_F(NvStateTest, CorruptedRecordIsRejected) {
  ASSERT_EQ(startup_rc(0), 0u);    // A: 1 (orderly none)
  ASSERT_EQ(shutdown_rc(1), 0u);   // B: 2 (orderly STATE)
  const Bytes good = flash();
  for (uint32_t i = 0; i < kRecordSize; ++i) {
    Bytes bad = good;
    bad[kSectorB + i] ^= uint8_t(1u << (i % 8));
    set_flash(bad);
    ASSERT_EQ(boot(), LoadResult::Loaded) << i;
    ASSERT_EQ(tpm_.nv.orderly, tpm::kOrderlyNone) << i;  // the A record
    ASSERT_EQ(startup_rc(1), kRcStartupValue) << i;
  }
  Bytes bad = good;
  bad[kSectorA + 20] ^= 0x01;
  bad[kSectorB + 20] ^= 0x01;
  set_flash(bad);
  EXPECT_EQ(boot(), LoadResult::NoValid);
  EXPECT_EQ(startup_rc(1), kRcStartupValue);
}

// A record of another format version is not read, even with a good digest.
TEST_F(NvStateTest, OtherFormatVersionIsRejected) {
  ASSERT_EQ(startup_rc(0), 0u);
  Bytes f = flash();
  f[kSectorA + 5] ^= 0x02;  // version 1 -> 3
  SHA256(&f[kSectorA], kRecordSize - 32, &f[kSectorA + kRecordSize - 32]);
  set_flash(f);
  EXPECT_EQ(boot(), LoadResult::NoValid);
}

TEST_F(NvStateTest, FailingFlashAnswersNvUnavailableAndChangesNothing) {
  host_hal::nv_set_failure(true);
  EXPECT_EQ(startup_rc(0), kRcNvUnavailable);
  EXPECT_EQ(exec(Cmd(kNoSessions, kGetRandom).u16(8).done()).rc(), kRcInitialize);
  host_hal::nv_set_failure(false);
  ASSERT_EQ(startup_rc(0), 0u);
  extend_all(0x01);
  host_hal::nv_set_failure(true);
  const Bytes before = flash();
  EXPECT_EQ(shutdown_rc(1), kRcNvUnavailable);
  EXPECT_EQ(tpm_.nv.orderly, tpm::kOrderlyNone);
  // Everything that does not save still works, the periodic Clock save too.
  host_hal::advance_cycles(tpm::nv_state::kClockSaveIntervalMs * kCyclesPerMs);
  EXPECT_EQ(exec(Cmd(kNoSessions, kGetRandom).u16(8).done()).rc(), 0u);
  EXPECT_EQ(read_clock().restart_count, 0u);
  EXPECT_EQ(flash(), before);
  host_hal::nv_set_failure(false);
  ASSERT_EQ(boot(), LoadResult::Loaded);
  EXPECT_EQ(startup_rc(1), kRcStartupValue);  // the failed Shutdown(STATE) left no state
}

TEST_F(NvStateTest, NoFlashStillAnswersAndNeverSavesLater) {
  host_hal::nv_reset(0);
  ASSERT_EQ(boot(), LoadResult::Unavailable);
  EXPECT_EQ(startup_rc(0), kRcNvUnavailable);
  EXPECT_EQ(exec(Cmd(kNoSessions, kGetRandom).u16(8).done()).rc(), kRcInitialize);
  // A flash that answers again later may hold state this boot never read:
  // nothing is written over it until the next boot loads it.
  host_hal::nv_reset(kSectorB + hal::kNvSectorSize);
  EXPECT_EQ(startup_rc(0), kRcNvUnavailable);
  host_hal::advance_cycles(tpm::nv_state::kClockSaveIntervalMs * kCyclesPerMs);
  exec(Cmd(kNoSessions, kGetRandom).u16(8).done());  // would be due for a Clock save
  EXPECT_EQ(flash(), Bytes(kSectorB + hal::kNvSectorSize, 0xFF));
}
