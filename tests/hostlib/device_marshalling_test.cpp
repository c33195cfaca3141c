// Device: every management command's bytes and the decoding of its response,
// against bytes written out from spec/management.md; trap re-send; refusals.
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "mctpm/device.h"
#include "mctpm/error.h"
#include "mctpm/tpm_rc.h"
#include "test_blob.h"

namespace {

using Bytes = std::vector<uint8_t>;

// Records each command and answers from a script.
class ScriptedChannel : public mctpm::CommandChannel {
 public:
  std::vector<Bytes> sent;
  std::deque<Bytes> replies;
  uint32_t ring = 0;
  Bytes transmit(const Bytes& command) override {
    sent.push_back(command);
    if (replies.empty()) throw std::logic_error("no scripted reply left");
    Bytes r = replies.front();
    replies.pop_front();
    return r;
  }
  uint32_t ring_status() override { return ring; }
};

Bytes be32(uint32_t v) { return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)}; }

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// tag 0x8001, size, code/rc, parameters.
Bytes message(uint32_t code, const Bytes& params = {}) {
  return cat({{0x80, 0x01}, be32(uint32_t(10 + params.size())), be32(code), params});
}

Bytes ok(const Bytes& params = {}) { return message(0, params); }

class DeviceMarshalling : public ::testing::Test {
 protected:
  ScriptedChannel ch;
  mctpm::Device dev{ch};
};

TEST_F(DeviceMarshalling, XonSendsThePcrMask) {
  ch.replies = {ok()};
  dev.xon(0x00FF);
  EXPECT_EQ(ch.sent.at(0), (Bytes{0x80, 0x01, 0, 0, 0, 14, 0x20, 0, 0x01, 0x01, 0, 0, 0, 0xFF}));
}

TEST_F(DeviceMarshalling, XoffHasNoParameters) {
  ch.replies = {ok()};
  dev.xoff();
  EXPECT_EQ(ch.sent.at(0), (Bytes{0x80, 0x01, 0, 0, 0, 10, 0x20, 0, 0x01, 0x02}));
}

TEST_F(DeviceMarshalling, LaunchSendsTheModelAndReturnsTheContextId) {
  ch.replies = {ok(be32(0x01020304))};
  EXPECT_EQ(dev.launch(MCTPM_MGMT_PCR_MODEL_PRIVATE), 0x01020304u);
  EXPECT_EQ(ch.sent.at(0), (Bytes{0x80, 0x01, 0, 0, 0, 11, 0x20, 0, 0x01, 0x03, 0x01}));
  EXPECT_THROW(dev.launch(2), mctpm::Error);
  EXPECT_EQ(ch.sent.size(), 1u) << "an invalid model is refused before sending";
}

TEST_F(DeviceMarshalling, ExitReturnsTheSizedBlob) {
  const Bytes blob = mctpm_test::test_blob(3, 9, 16);
  ch.replies = {ok(cat({{uint8_t(blob.size() >> 8), uint8_t(blob.size())}, blob}))};
  EXPECT_EQ(dev.exit(), blob);
  EXPECT_EQ(ch.sent.at(0), (Bytes{0x80, 0x01, 0, 0, 0, 10, 0x20, 0, 0x01, 0x04}));
}

TEST_F(DeviceMarshalling, ExitWithAWrongSizeFieldIsAProtocolError) {
  ch.replies = {ok({0x00, 0x05, 1, 2, 3})};
  EXPECT_THROW(dev.exit(), mctpm::Error);
}

TEST_F(DeviceMarshalling, CommitHasNoParameters) {
  ch.replies = {ok()};
  dev.commit();
  EXPECT_EQ(ch.sent.at(0), (Bytes{0x80, 0x01, 0, 0, 0, 10, 0x20, 0, 0x01, 0x05}));
}

TEST_F(DeviceMarshalling, ResumeSendsSizeAndBlobAndReturnsTheId) {
  const Bytes blob = mctpm_test::test_blob(3, 9, 16);
  ch.replies = {ok(be32(3))};
  EXPECT_EQ(dev.resume(blob), 3u);
  const uint32_t total = uint32_t(10 + 2 + blob.size());
  EXPECT_EQ(ch.sent.at(0), cat({{0x80, 0x01}, be32(total), {0x20, 0, 0x01, 0x06},
                                {uint8_t(blob.size() >> 8), uint8_t(blob.size())}, blob}));
}

TEST_F(DeviceMarshalling, ReenterIsResumeWithSizeZero) {
  ch.replies = {ok(be32(3))};
  EXPECT_EQ(dev.reenter(), 3u);
  EXPECT_EQ(ch.sent.at(0), (Bytes{0x80, 0x01, 0, 0, 0, 12, 0x20, 0, 0x01, 0x06, 0, 0}));
}

TEST_F(DeviceMarshalling, ClearSendsTheContextId) {
  ch.replies = {ok()};
  dev.clear(0x11223344);
  EXPECT_EQ(ch.sent.at(0), (Bytes{0x80, 0x01, 0, 0, 0, 14, 0x20, 0, 0x01, 0x07, 0x11, 0x22, 0x33, 0x44}));
}

TEST_F(DeviceMarshalling, GetStateDecodesAllFortyBytes) {
  const Bytes params = cat({{1, 0, MCTPM_MGMT_SLOT_PARKED, MCTPM_MGMT_PCR_MODEL_PRIVATE},
                            be32(7), be32(12), be32(0xFF), be32(3), be32(2), be32(5), be32(9),
                            {0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04}});
  ASSERT_EQ(params.size(), MCTPM_MGMT_STATE_SIZE);
  ch.replies = {ok(params)};
  const auto s = dev.state();
  EXPECT_EQ(ch.sent.at(0), (Bytes{0x80, 0x01, 0, 0, 0, 10, 0x20, 0, 0x01, 0x08}));
  EXPECT_TRUE(s.virtualization);
  EXPECT_EQ(s.cr0, 0);
  EXPECT_EQ(s.slot, MCTPM_MGMT_SLOT_PARKED);
  EXPECT_EQ(s.pcr_model, MCTPM_MGMT_PCR_MODEL_PRIVATE);
  EXPECT_EQ(s.context_id, 7u);
  EXPECT_EQ(s.counter, 12u);
  EXPECT_EQ(s.pcr_mask, 0xFFu);
  EXPECT_EQ(s.trap_count, 3u);
  EXPECT_EQ(s.denied_count, 2u);
  EXPECT_EQ(s.live_contexts, 5u);
  EXPECT_EQ(s.next_context_id, 9u);
  EXPECT_EQ(s.device_id_hex(), "deadbeef01020304");
}

TEST_F(DeviceMarshalling, GetStateOfTheWrongLengthIsAProtocolError) {
  ch.replies = {ok(Bytes(39, 0))};
  EXPECT_THROW(dev.state(), mctpm::Error);
}

TEST_F(DeviceMarshalling, GetContextSendsTheIdAndDecodesStatusAndCounter) {
  ch.replies = {ok(cat({{MCTPM_MGMT_CONTEXT_LIVE}, be32(44)}))};
  const auto c = dev.context(6);
  EXPECT_EQ(ch.sent.at(0), (Bytes{0x80, 0x01, 0, 0, 0, 14, 0x20, 0, 0x01, 0x09, 0, 0, 0, 6}));
  EXPECT_EQ(c.status, MCTPM_MGMT_CONTEXT_LIVE);
  EXPECT_EQ(c.committed_counter, 44u);
}

TEST_F(DeviceMarshalling, ATrappedCommandIsSentOnceMore) {
  ch.replies = {message(MCTPM_MGMT_RC_TRAPPED), ok()};
  dev.commit();
  ASSERT_EQ(ch.sent.size(), 2u);
  EXPECT_EQ(ch.sent[0], ch.sent[1]);
  EXPECT_EQ(dev.resent_after_trap(), 1u);
}

TEST_F(DeviceMarshalling, TrappedTwiceIsAnErrorNotALoop) {
  ch.replies = {message(MCTPM_MGMT_RC_TRAPPED), message(MCTPM_MGMT_RC_TRAPPED), ok()};
  EXPECT_THROW(dev.commit(), mctpm::ManagementError);
  EXPECT_EQ(ch.sent.size(), 2u);
}

TEST_F(DeviceMarshalling, RefusalsThrowManagementErrorNamingTheVendorCode) {
  ch.replies = {message(MCTPM_MGMT_RC_STALE)};
  try {
    dev.resume(mctpm_test::test_blob(1, 1));
    FAIL() << "no error";
  } catch (const mctpm::ManagementError& e) {
    EXPECT_EQ(e.rc(), MCTPM_MGMT_RC_STALE);
    EXPECT_EQ(e.command_code(), MCTPM_MGMT_CC_RESUME);
    EXPECT_EQ(e.kind(), mctpm::Error::Kind::Device);
    EXPECT_STREQ(e.what(), "RESUME refused: MGMT_RC_STALE (counter older than the committed one)");
  }
}

TEST_F(DeviceMarshalling, ResponsesWithABadHeaderAreProtocolErrors) {
  ch.replies = {Bytes{0x80, 0x01, 0, 0, 0, 12, 0, 0, 0, 0}};  // size says 12, 10 arrived
  EXPECT_THROW(dev.xoff(), mctpm::Error);
  ch.replies = {Bytes{0x80, 0x02, 0, 0, 0, 10, 0, 0, 0, 0}};  // sessions tag
  EXPECT_THROW(dev.xoff(), mctpm::Error);
}

TEST_F(DeviceMarshalling, TransmitIsRawAndInRing1ReadsTheRingRegister) {
  ch.replies = {message(MCTPM_MGMT_RC_TRAPPED)};
  const Bytes cmd = {0x80, 0x01, 0, 0, 0, 10, 0x20, 0, 0x01, 0x08};
  EXPECT_EQ(dev.transmit(cmd), message(MCTPM_MGMT_RC_TRAPPED));
  EXPECT_EQ(ch.sent.size(), 1u) << "raw transmit does not re-send";
  ch.ring = 0x00030001;
  EXPECT_TRUE(dev.in_ring1());
  ch.ring = 0x00030000;
  EXPECT_FALSE(dev.in_ring1());
}

TEST(ManagementNames, VendorCodesAndCommandNames) {
  EXPECT_EQ(mctpm::rc_name(MCTPM_MGMT_RC_TRAPPED), "MGMT_RC_TRAPPED");
  EXPECT_EQ(mctpm::rc_name(MCTPM_MGMT_RC_NV), "MGMT_RC_NV");
  EXPECT_EQ(mctpm::rc_description(MCTPM_MGMT_RC_FOREIGN), "MGMT_RC_FOREIGN (blob sealed by another device)");
  EXPECT_EQ(mctpm::rc_description(0x143), "TPM_RC_COMMAND_CODE");
  EXPECT_STREQ(mctpm::management_command_name(MCTPM_MGMT_CC_GET_CONTEXT), "GET_CONTEXT");
  EXPECT_EQ(mctpm::management_command_name(0x144), nullptr);
  EXPECT_TRUE(mctpm::is_management_command(MCTPM_MGMT_CC_PAGE + 0xFF));
  EXPECT_FALSE(mctpm::is_management_command(MCTPM_MGMT_CC_PAGE + 0x100));
}

}  // namespace
