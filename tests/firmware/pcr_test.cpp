// PCR_Extend, PCR_Event, PCR_Read, PCR_Reset: values recomputed with OpenSSL,
// locality rules of the PC Client profile.
#include "tpm_client.h"

using namespace tpmtest;

namespace {

constexpr uint16_t kSha1 = 0x0004;
constexpr uint16_t kSha256 = 0x000B;

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// PC Client PTP PCR table, written out independently of the firmware's:
// localities (bit n = locality n) that may extend / reset each PCR.
uint8_t ptp_extend_mask(unsigned pcr) {
  static const uint8_t kHigh[8] = {0x1F, 0x1C, 0x1C, 0x0C, 0x0E, 0x04, 0x04, 0x1F};
  return pcr < 16 ? 0x1F : kHigh[pcr - 16];
}
uint8_t ptp_reset_mask(unsigned pcr) {
  static const uint8_t kHigh[8] = {0x0F, 0x10, 0x10, 0x10, 0x14, 0x14, 0x14, 0x0F};
  return pcr < 16 ? 0x00 : kHigh[pcr - 16];
}

class Pcr : public TpmTest {
 protected:
  void SetUp() override {
    TpmTest::SetUp();
    startup();
  }
  uint32_t reset(uint32_t pcr, uint8_t locality = 0) {
    return exec(Cmd(kSessions, 0x13D).u32(pcr).pw_session().done(), locality).rc();
  }
  uint32_t update_counter() {
    Rsp r = exec(Cmd(kNoSessions, 0x17E).u32(0).done());
    EXPECT_EQ(r.rc(), 0u);
    return r.u32();
  }
};

}  // namespace

TEST_F(Pcr, InitialValuesAreZeroExceptDrtmPcrsWhichAreOnes) {
  for (unsigned pcr = 0; pcr < 24; ++pcr) {
    const uint8_t v = (pcr >= 17 && pcr <= 22) ? 0xFF : 0x00;
    EXPECT_EQ(pcr_read(kSha1, pcr), Bytes(20, v)) << pcr;
    EXPECT_EQ(pcr_read(kSha256, pcr), Bytes(32, v)) << pcr;
  }
}

TEST_F(Pcr, ExtendMatchesOpenSslInBothBanks) {
  Bytes want1(20, 0), want256(32, 0);
  for (int round = 0; round < 3; ++round) {
    const Bytes d1 = sha1({static_cast<uint8_t>(round)});
    const Bytes d256 = sha256({static_cast<uint8_t>(round)});
    Rsp r = exec(Cmd(kSessions, 0x182)
                     .u32(7)
                     .pw_session()
                     .u32(2)
                     .u16(kSha1)
                     .bytes(d1)
                     .u16(kSha256)
                     .bytes(d256)
                     .done());
    ASSERT_EQ(r.rc(), 0u);
    want1 = sha1(concat(want1, d1));
    want256 = sha256(concat(want256, d256));
  }
  EXPECT_EQ(pcr_read(kSha1, 7), want1);
  EXPECT_EQ(pcr_read(kSha256, 7), want256);
  EXPECT_EQ(pcr_read(kSha256, 6), Bytes(32, 0));
}

TEST_F(Pcr, ExtendChangesTheUpdateCounter) {
  const uint32_t before = update_counter();
  ASSERT_EQ(pcr_extend(3, kSha256, Bytes(32, 1)), 0u);
  EXPECT_GT(update_counter(), before);
}

TEST_F(Pcr, ExtendOfNullHandleIsANoOp) {
  const uint32_t before = update_counter();
  ASSERT_EQ(pcr_extend(kRhNull, kSha256, Bytes(32, 1)), 0u);
  EXPECT_EQ(update_counter(), before);
  for (unsigned pcr = 0; pcr < 16; ++pcr) EXPECT_EQ(pcr_read(kSha256, pcr), Bytes(32, 0));
}

TEST_F(Pcr, ExtendWithBadDigestsGetsParameterErrors) {
  EXPECT_EQ(pcr_extend(0, 0x000C, Bytes(48, 1)), 0x1C3u);  // SHA-384: HASH + P + 1
  EXPECT_EQ(pcr_extend(0, 0x0010, Bytes()), 0x1C3u);       // NULL
  EXPECT_EQ(pcr_extend(0, kSha256, Bytes(20, 1)), 0x1DAu);  // digest too short: INSUFFICIENT
  EXPECT_EQ(pcr_extend(0, kSha1, Bytes(32, 1)), 0x095u);    // too long: trailing bytes
  Cmd c(kSessions, 0x182);
  c.u32(0).pw_session().u32(3);
  for (int i = 0; i < 3; ++i) c.u16(kSha1).bytes(Bytes(20, 0));
  EXPECT_EQ(exec(c.done()).rc(), 0x1D5u);  // count > banks: SIZE + P + 1
  EXPECT_EQ(pcr_read(kSha256, 0), Bytes(32, 0));
}

TEST_F(Pcr, ExtendAndResetFollowThePcClientLocalityTable) {
  for (unsigned pcr = 0; pcr < 24; ++pcr) {
    for (uint8_t loc = 0; loc < 5; ++loc) {
      tpm::init(tpm_);
      startup();
      const bool may_extend = (ptp_extend_mask(pcr) >> loc) & 1;
      const uint32_t rc = pcr_extend(pcr, kSha256, Bytes(32, 9), loc);
      EXPECT_EQ(rc, may_extend ? 0u : 0x907u) << "extend pcr " << pcr << " loc " << int(loc);
      const bool may_reset = (ptp_reset_mask(pcr) >> loc) & 1;
      EXPECT_EQ(reset(pcr, loc), may_reset ? 0u : 0x907u)
          << "reset pcr " << pcr << " loc " << int(loc);
      if (may_reset) {
        EXPECT_EQ(pcr_read(kSha256, pcr), Bytes(32, 0));
      }
    }
  }
}

TEST_F(Pcr, DrtmPcrExtendStartsFromAllOnes) {
  const Bytes d = sha256({'d'});
  ASSERT_EQ(pcr_extend(17, kSha256, d, 2), 0u);
  EXPECT_EQ(pcr_read(kSha256, 17), sha256(concat(Bytes(32, 0xFF), d)));
}

TEST_F(Pcr, ResetOfNullHandleIsAHandleValueError) {
  EXPECT_EQ(reset(kRhNull), 0x184u);
}

TEST_F(Pcr, EventReturnsAndExtendsTheDigestsOfTheData) {
  const Bytes data = {'b', 'o', 'o', 't', ' ', 'e', 'v', 'e', 'n', 't'};
  Rsp r = exec(Cmd(kSessions, 0x13C).u32(9).pw_session().tpm2b(data).done());
  ASSERT_EQ(r.rc(), 0u);
  const uint32_t param_size = r.u32();
  EXPECT_EQ(param_size, 4u + 2 + 20 + 2 + 32);
  EXPECT_EQ(r.u32(), 2u);
  EXPECT_EQ(r.u16(), kSha1);
  EXPECT_EQ(r.bytes(20), sha1(data));
  EXPECT_EQ(r.u16(), kSha256);
  EXPECT_EQ(r.bytes(32), sha256(data));
  EXPECT_EQ(pcr_read(kSha1, 9), sha1(concat(Bytes(20, 0), sha1(data))));
  EXPECT_EQ(pcr_read(kSha256, 9), sha256(concat(Bytes(32, 0), sha256(data))));
}

TEST_F(Pcr, EventOnNullHandleOnlyHashes) {
  const Bytes data(1024, 0x42);  // the largest event allowed
  Rsp r = exec(Cmd(kSessions, 0x13C).u32(kRhNull).pw_session().tpm2b(data).done());
  ASSERT_EQ(r.rc(), 0u);
  r.u32();
  r.u32();
  r.u16();
  EXPECT_EQ(r.bytes(20), sha1(data));
  for (unsigned pcr = 0; pcr < 16; ++pcr) EXPECT_EQ(pcr_read(kSha256, pcr), Bytes(32, 0));
}

TEST_F(Pcr, EventDataOver1024BytesIsParameterOneSize) {
  EXPECT_EQ(exec(Cmd(kSessions, 0x13C).u32(9).pw_session().tpm2b(Bytes(1025, 1)).done()).rc(),
            0x1D5u);
}

TEST_F(Pcr, EventFromAForbiddenLocalityGetsLocality) {
  EXPECT_EQ(exec(Cmd(kSessions, 0x13C).u32(21).pw_session().tpm2b({1}).done(), 0).rc(), 0x907u);
}

TEST_F(Pcr, ReadReturnsAtMostEightDigestsAndTrimsTheSelection) {
  for (unsigned pcr = 0; pcr < 6; ++pcr) {
    ASSERT_EQ(pcr_extend(pcr, kSha1, sha1({static_cast<uint8_t>(pcr)})), 0u);
  }
  // SHA-1 PCR 0-5 and SHA-256 PCR 0-5: 12 asked, 8 returned.
  Rsp r = exec(Cmd(kNoSessions, 0x17E)
                   .u32(2)
                   .u16(kSha1).u8(3).u8(0x3F).u8(0).u8(0)
                   .u16(kSha256).u8(3).u8(0x3F).u8(0).u8(0)
                   .done());
  ASSERT_EQ(r.rc(), 0u);
  r.u32();
  EXPECT_EQ(r.u32(), 2u);
  EXPECT_EQ(r.u16(), kSha1);
  EXPECT_EQ(r.u8(), 3u);
  EXPECT_EQ(r.bytes(3), (Bytes{0x3F, 0, 0}));
  EXPECT_EQ(r.u16(), kSha256);
  EXPECT_EQ(r.u8(), 3u);
  EXPECT_EQ(r.bytes(3), (Bytes{0x03, 0, 0}));  // only PCR 0 and 1 fit
  ASSERT_EQ(r.u32(), 8u);
  for (unsigned pcr = 0; pcr < 6; ++pcr) {
    EXPECT_EQ(r.tpm2b(), sha1(concat(Bytes(20, 0), sha1({static_cast<uint8_t>(pcr)}))));
  }
  EXPECT_EQ(r.tpm2b(), Bytes(32, 0));
  EXPECT_EQ(r.tpm2b(), Bytes(32, 0));
  EXPECT_EQ(r.left(), 0u);
}

TEST_F(Pcr, ReadWithEmptySelectionReturnsNothing) {
  Rsp r = exec(Cmd(kNoSessions, 0x17E).u32(0).done());
  ASSERT_EQ(r.rc(), 0u);
  r.u32();
  EXPECT_EQ(r.u32(), 0u);
  EXPECT_EQ(r.u32(), 0u);
  EXPECT_EQ(r.left(), 0u);
}

TEST_F(Pcr, ReadRejectsBadSelections) {
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x17E).u32(1).u16(kSha256).u8(4).u32(0).done()).rc(), 0x1C4u);
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x17E).u32(1).u16(0x000D).u8(3).u8(1).u16(0).done()).rc(),
            0x1C3u);
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x17E).u32(1).u16(kSha256).u8(3).u8(1).done()).rc(), 0x1DAu);
}

TEST_F(Pcr, ResetClearsResettablePcrsInBothBanks) {
  ASSERT_EQ(pcr_extend(16, kSha1, Bytes(20, 3)), 0u);
  ASSERT_EQ(pcr_extend(16, kSha256, Bytes(32, 3)), 0u);
  ASSERT_EQ(reset(16), 0u);
  EXPECT_EQ(pcr_read(kSha1, 16), Bytes(20, 0));
  EXPECT_EQ(pcr_read(kSha256, 16), Bytes(32, 0));
  ASSERT_EQ(reset(17, 4), 0u);
  EXPECT_EQ(pcr_read(kSha256, 17), Bytes(32, 0));
  EXPECT_EQ(reset(0), 0x907u);
}
