// Command framing, handles and the authorization area (tpm/dispatch.cpp).
#include "tpm_client.h"

using namespace tpmtest;

namespace {

constexpr uint32_t kGetRandom = 0x17B;
constexpr uint32_t kPcrExtend = 0x182;
constexpr uint32_t kGetCapability = 0x17A;

Bytes extend_body_sha256() {
  Bytes b = {0, 0, 0, 1, 0x00, 0x0B};
  b.resize(b.size() + 32, 0x11);
  return b;
}

class Dispatch : public TpmTest {
 protected:
  void SetUp() override {
    TpmTest::SetUp();
    startup();
  }
  Rsp extend_with_session(uint32_t session, uint8_t attrs, const Bytes& hmac,
                          const Bytes& nonce = {}) {
    return exec(Cmd(kSessions, kPcrExtend)
                    .u32(0)
                    .session(session, attrs, hmac, nonce)
                    .bytes(extend_body_sha256())
                    .done());
  }
};

}  // namespace

TEST_F(TpmTest, CommandsBeforeStartupGetInitialize) {
  EXPECT_EQ(exec(Cmd(kNoSessions, kGetRandom).u16(8).done()).rc(), 0x100u);
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x181).done()).rc(), 0x100u);
}

TEST_F(Dispatch, ShortOrOverflowedCommandGetsCommandSize) {
  const Bytes full = Cmd(kNoSessions, kGetRandom).u16(8).done();
  for (size_t n = 0; n < 10; ++n) {
    Bytes part(full.begin(), full.begin() + n);
    Bytes rsp(64);
    tpm::CommandIn in{part.data(), part.size(), 0, false};
    ASSERT_EQ(tpm::execute(tpm_, in, rsp.data(), rsp.size()), 10u);
    EXPECT_EQ(Rsp(rsp).rc(), 0x142u);
  }
  Bytes rsp(64);
  tpm::CommandIn in{full.data(), full.size(), 0, true};
  tpm::execute(tpm_, in, rsp.data(), rsp.size());
  EXPECT_EQ(Rsp(rsp).rc(), 0x142u);
}

TEST_F(Dispatch, SizeFieldDifferentFromBytesReceivedGetsCommandSize) {
  Bytes c = Cmd(kNoSessions, kGetRandom).u16(8).done();
  c[5] += 1;
  EXPECT_EQ(exec(c).rc(), 0x142u);
  c[5] -= 2;
  EXPECT_EQ(exec(c).rc(), 0x142u);
}

TEST_F(Dispatch, UnknownTagGetsBadTag) {
  Rsp r = exec(Cmd(0x00C1, kGetRandom).u16(8).done());  // a TPM 1.2 tag
  EXPECT_EQ(r.rc(), 0x01Eu);
  EXPECT_EQ(r.tag(), kNoSessions);
}

TEST_F(Dispatch, UnknownCommandGetsCommandCode) {
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x153).done()).rc(), 0x143u);       // Create: not implemented
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x20000001).done()).rc(), 0x143u);  // vendor
}

TEST_F(Dispatch, TruncatedParameterGetsInsufficientWithItsNumber) {
  EXPECT_EQ(exec(Cmd(kNoSessions, kGetRandom).u8(0).done()).rc(), 0x1DAu);  // parameter 1
  EXPECT_EQ(exec(Cmd(kNoSessions, kGetCapability).u32(6).u32(0x100).done()).rc(),
            0x3DAu);  // parameter 3
}

TEST_F(Dispatch, TrailingBytesGetSize) {
  EXPECT_EQ(exec(Cmd(kNoSessions, kGetRandom).u16(8).u8(0).done()).rc(), 0x095u);
}

TEST_F(Dispatch, TrailingBytesChangeNothing) {
  const Bytes before = pcr_read(0x000B, 0);
  exec(Cmd(kSessions, kPcrExtend).u32(0).pw_session().bytes(extend_body_sha256()).u8(0).done());
  EXPECT_EQ(pcr_read(0x000B, 0), before);
}

TEST_F(Dispatch, PcrHandleOutOfRangeGetsValueForHandleOne) {
  Rsp r = exec(Cmd(kSessions, kPcrExtend).u32(24).pw_session().bytes(extend_body_sha256()).done());
  EXPECT_EQ(r.rc(), 0x184u);  // TPM_RC_VALUE + TPM_RC_H + TPM_RC_1
  r = exec(Cmd(kSessions, kPcrExtend).u32(0x80000000).pw_session().bytes(extend_body_sha256()).done());
  EXPECT_EQ(r.rc(), 0x184u);
  EXPECT_EQ(exec(Cmd(kSessions, kPcrExtend).u16(0).done()).rc(), 0x19Au);  // handle truncated
}

TEST_F(Dispatch, SessionsOnACommandWithoutSessionsGetAuthContext) {
  EXPECT_EQ(exec(Cmd(kSessions, 0x181).pw_session().done()).rc(), 0x145u);  // ReadClock
}

TEST_F(Dispatch, MissingAuthorizationGetsAuthMissing) {
  EXPECT_EQ(exec(Cmd(kNoSessions, kPcrExtend).u32(0).bytes(extend_body_sha256()).done()).rc(),
            0x125u);
}

TEST_F(Dispatch, PasswordSessionWithEmptyAuthIsAcceptedAndEchoed) {
  for (uint8_t attrs : {uint8_t{0}, uint8_t{1}}) {
    Rsp r = extend_with_session(kRsPw, attrs, {});
    ASSERT_EQ(r.rc(), 0u);
    EXPECT_EQ(r.tag(), kSessions);
    EXPECT_EQ(r.u32(), 0u);        // parameterSize
    EXPECT_EQ(r.u16(), 0u);        // nonceTPM
    EXPECT_EQ(r.u8(), attrs);      // continueSession echoed
    EXPECT_EQ(r.u16(), 0u);        // hmac
    EXPECT_EQ(r.left(), 0u);
  }
}

TEST_F(Dispatch, PasswordWithOnlyTrailingZerosEqualsEmpty) {
  EXPECT_EQ(extend_with_session(kRsPw, 1, {0, 0, 0}).rc(), 0u);
}

TEST_F(Dispatch, WrongPasswordGetsBadAuthForSessionOne) {
  const Bytes before = pcr_read(0x000B, 0);
  EXPECT_EQ(extend_with_session(kRsPw, 1, {'x'}).rc(), 0x9A2u);
  EXPECT_EQ(pcr_read(0x000B, 0), before);
}

TEST_F(Dispatch, BadPasswordSessionFieldsGetSessionErrors) {
  EXPECT_EQ(extend_with_session(kRsPw, 1, {}, {1, 2}).rc(), 0x98Fu);  // nonce
  EXPECT_EQ(extend_with_session(kRsPw, 0x21, {}).rc(), 0x982u);       // decrypt
  EXPECT_EQ(extend_with_session(kRsPw, 0x08, {}).rc(), 0x9A1u);       // reserved bit
}

TEST_F(Dispatch, UnloadedOrWrongSessionHandlesAreRefused) {
  EXPECT_EQ(extend_with_session(0x02000000, 1, {}).rc(), 0x918u);  // REFERENCE_S0
  EXPECT_EQ(extend_with_session(0x03000001, 1, {}).rc(), 0x918u);
  EXPECT_EQ(extend_with_session(0x80000000, 1, {}).rc(), 0x98Bu);  // HANDLE + S + 1
}

TEST_F(Dispatch, PasswordSessionWithoutAnAuthorizedHandleIsRefused) {
  EXPECT_EQ(exec(Cmd(kSessions, kGetRandom).pw_session().u16(8).done()).rc(), 0x98Bu);
}

TEST_F(Dispatch, SecondSessionIsNumberedTwo) {
  Cmd c(kSessions, kPcrExtend);
  c.u32(0).u32(18).u32(kRsPw).u16(0).u8(1).u16(0).u32(0x80000001).u16(0).u8(1).u16(0);
  c.bytes(extend_body_sha256());
  EXPECT_EQ(exec(c.done()).rc(), 0xA8Bu);  // HANDLE + S + 2
}

TEST_F(Dispatch, AuthorizationSizeOutOfRangeGetsAuthSize) {
  EXPECT_EQ(exec(Cmd(kSessions, kPcrExtend).u32(0).u32(8).u32(kRsPw).u16(0).u16(0).done()).rc(),
            0x144u);
  EXPECT_EQ(exec(Cmd(kSessions, kPcrExtend).u32(0).u32(100).u32(kRsPw).u16(0).u8(1).u16(0).done())
                .rc(),
            0x144u);
  // Four sessions: one more than a command can carry.
  Cmd c(kSessions, kPcrExtend);
  c.u32(0).u32(36);
  for (int i = 0; i < 4; ++i) c.u32(kRsPw).u16(0).u8(1).u16(0);
  EXPECT_EQ(exec(c.done()).rc(), 0x144u);
}

TEST_F(Dispatch, ResponseThatDoesNotFitIsAnErrorNotATruncation) {
  const Bytes c = Cmd(kNoSessions, kGetRandom).u16(32).done();
  Bytes rsp(64, 0xEE);
  tpm::CommandIn in{c.data(), c.size(), 0, false};
  EXPECT_EQ(tpm::execute(tpm_, in, rsp.data(), 20), 10u);
  EXPECT_EQ(Rsp(rsp).rc(), 0x904u);  // TPM_RC_MEMORY
  for (size_t i = 20; i < rsp.size(); ++i) ASSERT_EQ(rsp[i], 0xEE);
  EXPECT_EQ(tpm::execute(tpm_, in, rsp.data(), 9), 0u);
}

TEST_F(Dispatch, ErrorResponsesAreTenBytesWithNoSessionsTag) {
  Rsp r = extend_with_session(kRsPw, 1, {'x'});
  EXPECT_EQ(r.tag(), kNoSessions);
  EXPECT_EQ(r.raw().size(), 10u);
}

// The dispatcher finds commands by binary search: every command the TPM
// lists in TPM_CAP_COMMANDS must be found (an empty command body gets a
// parameter or handle error, never TPM_RC_COMMAND_CODE).
TEST_F(Dispatch, EveryListedCommandIsFoundByTheDispatcher) {
  Rsp caps = exec(Cmd(kNoSessions, kGetCapability).u32(2).u32(0).u32(256).done());
  ASSERT_EQ(caps.rc(), 0u);
  caps.u8();                               // moreData
  ASSERT_EQ(caps.u32(), 2u);               // TPM_CAP_COMMANDS
  const uint32_t count = caps.u32();
  ASSERT_GT(count, 10u);
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t cc = caps.u32() & 0xFFFFu;  // TPMA_CC: commandIndex in bits 15:0
    if (cc == 0x144) continue;                  // Startup again would only say INITIALIZE
    const uint32_t rc = exec(Cmd(kNoSessions, cc).done()).rc();
    EXPECT_NE(rc, 0x143u) << "command 0x" << std::hex << cc << " listed but not dispatched";
  }
  EXPECT_EQ(exec(Cmd(kNoSessions, 0x1FF).done()).rc(), 0x143u);
}
