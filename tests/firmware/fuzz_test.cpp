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
