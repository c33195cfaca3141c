// Random, truncated and mutated commands (fixed seed): execute() must always
// answer with a well-formed response and never write past rsp_cap.
#include <random>

#include "tpm_client.h"

using namespace tpmtest;

namespace {

std::vector<Bytes> corpus() {
  const Bytes d256(32, 7);
  return {
      Cmd(kNoSessions, 0x144).u16(0).done(),
      Cmd(kNoSessions, 0x145).u16(1).done(),
      Cmd(kNoSessions, 0x143).u8(1).done(),
      Cmd(kNoSessions, 0x142).u32(1).u16(4).done(),
      Cmd(kNoSessions, 0x17C).done(),
      Cmd(kNoSessions, 0x17A).u32(6).u32(0x100).u32(127).done(),
      Cmd(kNoSessions, 0x17A).u32(2).u32(0).u32(254).done(),
      Cmd(kNoSessions, 0x17A).u32(1).u32(0x40000000).u32(254).done(),
      Cmd(kNoSessions, 0x17A).u32(7).u32(0).u32(127).done(),
      Cmd(kNoSessions, 0x17B).u16(32).done(),
      Cmd(kNoSessions, 0x146).tpm2b({1, 2, 3}).done(),
      Cmd(kNoSessions, 0x181).done(),
      Cmd(kSessions, 0x182).u32(16).pw_session().u32(1).u16(0xB).bytes(d256).done(),
      Cmd(kSessions, 0x13C).u32(23).pw_session().tpm2b({9, 9}).done(),
      Cmd(kNoSessions, 0x17E).u32(2).u16(4).u8(3).u8(0xFF).u8(0xFF).u8(0xFF)
          .u16(0xB).u8(3).u8(0xFF).u8(0xFF).u8(0xFF).done(),
      Cmd(kSessions, 0x13D).u32(16).pw_session().done(),
  };
}

void fix_size(Bytes& c) {
  if (c.size() < 6) return;
  const uint32_t n = static_cast<uint32_t>(c.size());
  c[2] = n >> 24;
  c[3] = n >> 16;
  c[4] = n >> 8;
  c[5] = n;
}

}  // namespace

TEST(Fuzz, MalformedCommandsAlwaysGetWellFormedResponses) {
  std::mt19937 rng(20240601);
  const std::vector<Bytes> seeds = corpus();
  tpm::Tpm tpm;
  tpm::init(tpm);
  constexpr size_t kGuard = 64;
  size_t successes = 0;
  for (int iter = 0; iter < 30000; ++iter) {
    if (iter % 2000 == 0) tpm::init(tpm);  // sometimes before Startup
    Bytes c = seeds[rng() % seeds.size()];
    switch (rng() % 5) {
      case 0:  // flip bits
        for (int k = 0, n = 1 + rng() % 4; k < n; ++k) c[rng() % c.size()] ^= 1u << (rng() % 8);
        break;
      case 1:  // truncate
        c.resize(rng() % (c.size() + 1));
        break;
      case 2:  // random bytes appended or replaced
        for (int k = 0, n = 1 + rng() % 8; k < n; ++k) c.push_back(static_cast<uint8_t>(rng()));
        break;
      case 3:  // replace a byte past the header with something extreme
        if (c.size() > 10) c[10 + rng() % (c.size() - 10)] = (rng() & 1) ? 0xFF : 0x00;
        break;
      default: {  // pure noise
        c.resize(rng() % 64);
        for (auto& b : c) b = static_cast<uint8_t>(rng());
        if (c.size() >= 2 && (rng() & 1)) {
          c[0] = 0x80;
          c[1] = 0x01 + (rng() & 1);
        }
      }
    }
    if (rng() % 4 != 0) fix_size(c);  // mostly get past the size check
    const size_t cap = (rng() % 4 == 0) ? 10 + rng() % 64 : 4096;
    Bytes rsp(cap + kGuard, 0xA5);
    tpm::CommandIn in{c.data(), c.size(), static_cast<uint8_t>(rng() % 6), (rng() % 50) == 0};
    const size_t n = tpm::execute(tpm, in, rsp.data(), cap);
    ASSERT_GE(n, 10u);
    ASSERT_LE(n, cap);
    for (size_t i = cap; i < rsp.size(); ++i) ASSERT_EQ(rsp[i], 0xA5) << "overrun at " << i;
    rsp.resize(n);
    Rsp r(rsp);
    ASSERT_EQ(r.size(), n);
    ASSERT_TRUE(r.tag() == kNoSessions || r.tag() == kSessions);
    if (r.rc() != 0) {
      ASSERT_EQ(n, 10u);
      ASSERT_EQ(r.tag(), kNoSessions);
    } else {
      ++successes;
    }
  }
  EXPECT_GT(successes, 1000u);  // the mutations still reach the handlers
}

// The chip as a whole: the same mutations plus management commands, in
// both rings (CR0 flipped at random, as if the front end let anything
// through), with a context loaded part of the time. Every answer is well
// formed and fits, and management commands never act in ring 1.
#include "chip_harness.h"

namespace {
class ChipFuzz : public ChipTest {};

std::vector<Bytes> management_corpus(const Bytes& blob) {
  auto m = [](uint32_t cc) { return Cmd(kNoSessions, cc); };
  return {
      m(MCTPM_MGMT_CC_XON).u32(0xFF).done(),
      m(MCTPM_MGMT_CC_XOFF).done(),
      m(MCTPM_MGMT_CC_LAUNCH).u8(0).done(),
      m(MCTPM_MGMT_CC_LAUNCH).u8(1).done(),
      m(MCTPM_MGMT_CC_EXIT).done(),
      m(MCTPM_MGMT_CC_COMMIT).done(),
      m(MCTPM_MGMT_CC_RESUME).tpm2b(blob).done(),
      m(MCTPM_MGMT_CC_RESUME).u16(0).done(),
      m(MCTPM_MGMT_CC_CLEAR).u32(1).done(),
      m(MCTPM_MGMT_CC_GET_STATE).done(),
      m(MCTPM_MGMT_CC_GET_CONTEXT).u32(1).done(),
      m(MCTPM_MGMT_CC_PAGE | 0xFF).done(),
  };
}
}  // namespace

TEST_F(ChipFuzz, MalformedAndManagementCommandsInBothRingsGetWellFormedResponses) {
  ASSERT_EQ(xon(), 0u);
  launch();
  ASSERT_EQ(startup(), 0u);
  const Bytes blob = park_and_commit();
  std::vector<Bytes> seeds = corpus();
  for (const Bytes& c : management_corpus(blob)) seeds.push_back(c);
  std::mt19937 rng(20240602);
  constexpr size_t kGuard = 64;
  size_t successes = 0, trapped = 0;
  for (int iter = 0; iter < 6000; ++iter) {
    Bytes c = seeds[rng() % seeds.size()];
    switch (rng() % 4) {
      case 0:
        for (int k = 0, n = 1 + rng() % 4; k < n; ++k) c[rng() % c.size()] ^= 1u << (rng() % 8);
        break;
      case 1:
        c.resize(rng() % (c.size() + 1));
        break;
      case 2:
        for (int k = 0, n = 1 + rng() % 8; k < n; ++k) c.push_back(static_cast<uint8_t>(rng()));
        break;
      default:
        break;  // as it is
    }
    if (rng() % 4 != 0) fix_size(c);
    const bool ring1 = rng() % 3 == 0;
    ring_model::force_cr0(ring1);
    const tpm::RootData before = root_->data;
    const size_t cap = (rng() % 4 == 0) ? 10 + rng() % 64 : 4096;
    Bytes rsp(cap + kGuard, 0xA5);
    tpm::CommandIn in{c.data(), c.size(), static_cast<uint8_t>(rng() % 6), (rng() % 50) == 0};
    const size_t n = tpm::execute_chip(chip_, in, rsp.data(), cap);
    ring_model::response_handed_over();
    ASSERT_GE(n, 10u);
    ASSERT_LE(n, cap);
    for (size_t i = cap; i < rsp.size(); ++i) ASSERT_EQ(rsp[i], 0xA5) << "overrun at " << i;
    rsp.resize(n);
    Rsp r(rsp);
    ASSERT_EQ(r.size(), n);
    const uint32_t cc = c.size() >= 10 ? uint32_t(c[6]) << 24 | c[7] << 16 | c[8] << 8 | c[9] : 0;
    if (ring1 && tpm::is_management_cc(cc)) {
      ASSERT_EQ(r.rc(), uint32_t(MCTPM_MGMT_RC_TRAPPED));
      ASSERT_EQ(std::memcmp(&before, &root_->data, sizeof before), 0) << "acted in ring 1";
      ++trapped;
    }
    if (r.rc() == 0) ++successes;
  }
  EXPECT_GT(successes, 300u);
  EXPECT_GT(trapped, 100u);
}
