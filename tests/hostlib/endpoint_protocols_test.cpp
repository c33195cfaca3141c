// mctpmd's client protocols (mssim and swtpm, as tpm2-tss speaks them),
// driven through in-memory streams: byte-exact framing, no sockets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "log.h"
#include "mctpm/error.h"
#include "mssim_session.h"
#include "stream.h"
#include "swtpm_session.h"
#include "tpm_backend.h"

namespace {

using Bytes = std::vector<uint8_t>;

class MemoryStream : public mctpmd::Stream {
 public:
  explicit MemoryStream(Bytes input) : in_(std::move(input)) {}
  size_t read(uint8_t* p, size_t n) override {
    const size_t k = std::min(n, in_.size() - pos_);
    std::copy(in_.begin() + pos_, in_.begin() + pos_ + k, p);
    pos_ += k;
    return k;
  }
  void write(const uint8_t* p, size_t n) override {
    out.insert(out.end(), p, p + n);
    ++writes;
  }
  Bytes out;
  int writes = 0;

 private:
  Bytes in_;
  size_t pos_ = 0;
};

struct Executed {
  uint8_t locality;
  Bytes command;
};

// Answers every command with tag 0x8001, rc 0 and the command's code as body.
class FakeBackend : public mctpmd::TpmBackend {
 public:
  Bytes execute(uint8_t locality, const Bytes& command) override {
    executed.push_back({locality, command});
    return {0x80, 0x01, 0, 0, 0, 14, 0, 0, 0, 0, command[6], command[7], command[8], command[9]};
  }
  bool tpm_established() override { return established; }
  void reset_established(uint8_t locality) override { resets.push_back(locality); }
  std::vector<Executed> executed;
  std::vector<uint8_t> resets;
  bool established = true;
};

void be32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(v >> s));
}

// TPM2_GetRandom(8): 80 01 | 00 00 00 0c | 00 00 01 7b | 00 08
const Bytes kGetRandom = {0x80, 0x01, 0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x01, 0x7B, 0x00, 0x08};
const Bytes kGetRandomResponse = {0x80, 0x01, 0, 0, 0, 14, 0, 0, 0, 0, 0x00, 0x00, 0x01, 0x7B};

Bytes mssim_send(uint8_t locality, const Bytes& cmd) {
  Bytes b;
  be32(b, 8);
  b.push_back(locality);
  be32(b, uint32_t(cmd.size()));
  b.insert(b.end(), cmd.begin(), cmd.end());
  return b;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes u32(uint32_t v) {
  Bytes b;
  be32(b, v);
  return b;
}

struct Fixture : ::testing::Test {
  mctpmd::Log log{false};
  FakeBackend tpm;
};

using MssimTpmPort = Fixture;
using MssimPlatformPort = Fixture;
using SwtpmDataPort = Fixture;
using SwtpmCtrlPort = Fixture;

TEST_F(MssimTpmPort, SendCommandRepliesLengthResponseAndTrailingZero) {
  MemoryStream s(concat({mssim_send(3, kGetRandom), u32(20)}));
  EXPECT_EQ(mctpmd::serve_mssim_tpm(s, tpm, log), "SESSION_END");
  ASSERT_EQ(tpm.executed.size(), 1u);
  EXPECT_EQ(tpm.executed[0].locality, 3);
  EXPECT_EQ(tpm.executed[0].command, kGetRandom);
  EXPECT_EQ(s.out, concat({u32(14), kGetRandomResponse, u32(0)}));
  EXPECT_EQ(s.writes, 1);  // one write per reply
}

TEST_F(MssimTpmPort, ServesSeveralCommandsAndAPlainCloseEndsTheSession) {
  MemoryStream s(concat({mssim_send(0, kGetRandom), mssim_send(1, kGetRandom)}));
  EXPECT_EQ(mctpmd::serve_mssim_tpm(s, tpm, log), "client closed");
  EXPECT_EQ(tpm.executed.size(), 2u);
  EXPECT_EQ(s.out.size(), 2 * (4 + 14 + 4u));
}

TEST_F(MssimTpmPort, RemoteHandshakeAnswersVersionFlagsAndZero) {
  MemoryStream s(concat({u32(15), u32(1), u32(20)}));
  mctpmd::serve_mssim_tpm(s, tpm, log);
  EXPECT_EQ(s.out, concat({u32(1), u32(1), u32(0)}));
}

TEST_F(MssimTpmPort, TruncatedCommandIsAProtocolError) {
  Bytes in = mssim_send(0, kGetRandom);
  in.resize(in.size() - 3);
  MemoryStream s(in);
  try {
    mctpmd::serve_mssim_tpm(s, tpm, log);
    FAIL();
  } catch (const mctpm::Error& e) {
    EXPECT_EQ(e.kind(), mctpm::Error::Kind::Protocol);
  }
  EXPECT_TRUE(tpm.executed.empty());
}

TEST_F(MssimTpmPort, OversizedOrUndersizedLengthIsRefusedBeforeReadingIt) {
  for (uint32_t len : {0u, 9u, 4097u, 0xFFFFFFFFu}) {
    Bytes in = u32(8);
    in.push_back(0);
    be32(in, len);
    MemoryStream s(in);
    EXPECT_THROW(mctpmd::serve_mssim_tpm(s, tpm, log), mctpm::Error) << len;
  }
  EXPECT_TRUE(tpm.executed.empty());
}

TEST_F(MssimTpmPort, UnknownCodeIsAProtocolError) {
  MemoryStream s(u32(0x12345678));
  EXPECT_THROW(mctpmd::serve_mssim_tpm(s, tpm, log), mctpm::Error);
}

TEST_F(MssimPlatformPort, PowerOnAndNvOnAreAcknowledgedWithZero) {
  MemoryStream s(concat({u32(1), u32(11), u32(9), u32(10), u32(20)}));
  EXPECT_EQ(mctpmd::serve_mssim_platform(s, log), "SESSION_END");
  EXPECT_EQ(s.out, concat({u32(0), u32(0), u32(0), u32(0)}));
}

TEST_F(MssimPlatformPort, PartialCodeIsAProtocolError) {
  MemoryStream s({0, 0});
  EXPECT_THROW(mctpmd::serve_mssim_platform(s, log), mctpm::Error);
}

TEST_F(SwtpmDataPort, RawCommandInRawResponseOutWithTheControlLocality) {
  mctpmd::SwtpmState state(2);
  MemoryStream s(kGetRandom);
  EXPECT_EQ(mctpmd::serve_swtpm_data(s, state, tpm, log), "client closed");
  ASSERT_EQ(tpm.executed.size(), 1u);
  EXPECT_EQ(tpm.executed[0].locality, 2);
  EXPECT_EQ(s.out, kGetRandomResponse);
}

TEST_F(SwtpmDataPort, SeveralCommandsOnOneConnectionAreServedInOrder) {
  mctpmd::SwtpmState state(0);
  MemoryStream s(concat({kGetRandom, kGetRandom, kGetRandom}));
  mctpmd::serve_swtpm_data(s, state, tpm, log);
  EXPECT_EQ(tpm.executed.size(), 3u);
  EXPECT_EQ(s.out.size(), 3 * kGetRandomResponse.size());
}

TEST_F(SwtpmDataPort, ConnectThenCloseWithoutDataIsAQuietEnd) {
  // tpm2-tss's swtpm TCTI probes the data port this way at initialisation.
  mctpmd::SwtpmState state(0);
  MemoryStream s({});
  EXPECT_EQ(mctpmd::serve_swtpm_data(s, state, tpm, log), "client closed");
  EXPECT_TRUE(s.out.empty());
}

TEST_F(SwtpmDataPort, BadSizeFieldOrTruncatedCommandIsAProtocolError) {
  mctpmd::SwtpmState state(0);
  Bytes huge = kGetRandom;
  huge[2] = 0x01;  // 16 MiB
  Bytes tiny = kGetRandom;
  tiny[5] = 9;
  Bytes cut(kGetRandom.begin(), kGetRandom.end() - 1);
  for (const Bytes& in : {huge, tiny, cut}) {
    MemoryStream s(in);
    EXPECT_THROW(mctpmd::serve_swtpm_data(s, state, tpm, log), mctpm::Error);
  }
  EXPECT_TRUE(tpm.executed.empty());
}

TEST_F(SwtpmCtrlPort, SetLocalityChangesTheLocalityOfLaterDataCommands) {
  mctpmd::SwtpmState state(0);
  MemoryStream ctrl(concat({u32(5), Bytes{3}}));
  mctpmd::serve_swtpm_ctrl(ctrl, state, tpm, log);
  EXPECT_EQ(ctrl.out, u32(0));
  MemoryStream data(kGetRandom);
  mctpmd::serve_swtpm_data(data, state, tpm, log);
  ASSERT_EQ(tpm.executed.size(), 1u);
  EXPECT_EQ(tpm.executed[0].locality, 3);
}

TEST_F(SwtpmCtrlPort, SetLocalityOutOfRangeAnswersBadLocality) {
  mctpmd::SwtpmState state(1);
  MemoryStream ctrl(concat({u32(5), Bytes{5}}));
  mctpmd::serve_swtpm_ctrl(ctrl, state, tpm, log);
  EXPECT_EQ(ctrl.out, u32(0x3D));
  EXPECT_EQ(state.locality.load(), 1);
}

TEST_F(SwtpmCtrlPort, GetCapabilityIsABare64BitMask) {
  mctpmd::SwtpmState state(0);
  MemoryStream ctrl(u32(1));
  mctpmd::serve_swtpm_ctrl(ctrl, state, tpm, log);
  ASSERT_EQ(ctrl.out.size(), 8u);
  uint64_t caps = 0;
  for (uint8_t b : ctrl.out) caps = caps << 8 | b;
  EXPECT_EQ(caps, mctpmd::kSwtpmCaps);
  EXPECT_TRUE(caps & (1u << 3));  // SET_LOCALITY, which tpm2-tss needs
}

TEST_F(SwtpmCtrlPort, InitStopShutdownCancelAnswerSuccessInSequence) {
  mctpmd::SwtpmState state(0);
  MemoryStream ctrl(concat({u32(0x0E), u32(0x11), u32(0), u32(2), u32(1), u32(9), u32(3)}));
  EXPECT_EQ(mctpmd::serve_swtpm_ctrl(ctrl, state, tpm, log), "client closed");
  // STOP: 0; SET_BUFFERSIZE: 0, size, min, max; INIT: 0; CANCEL: 0; SHUTDOWN: 0
  EXPECT_EQ(ctrl.out, concat({u32(0), u32(0), u32(4096), u32(4096), u32(4096), u32(0), u32(0), u32(0)}));
  EXPECT_FALSE(state.running.load());
}

TEST_F(SwtpmCtrlPort, TpmEstablishedReportsTheBitAndResetGoesToTheBackend) {
  mctpmd::SwtpmState state(0);
  MemoryStream ctrl(concat({u32(4), u32(0x0B), Bytes{3}}));
  mctpmd::serve_swtpm_ctrl(ctrl, state, tpm, log);
  EXPECT_EQ(ctrl.out, concat({u32(0), Bytes{1, 0, 0, 0}, u32(0)}));
  EXPECT_EQ(tpm.resets, Bytes{3});
}

TEST_F(SwtpmCtrlPort, UnknownCodeAnswersBadOrdinalAndEndsTheConnection) {
  mctpmd::SwtpmState state(0);
  MemoryStream ctrl(concat({u32(0x0C), u32(1), u32(2)}));  // GET_STATEBLOB + payload we cannot parse
  const std::string why = mctpmd::serve_swtpm_ctrl(ctrl, state, tpm, log);
  EXPECT_NE(why.find("unknown"), std::string::npos);
  EXPECT_EQ(ctrl.out, u32(0x0A));
}

TEST_F(SwtpmCtrlPort, TruncatedPayloadIsAProtocolError) {
  mctpmd::SwtpmState state(0);
  MemoryStream ctrl(concat({u32(2), Bytes{0, 0}}));  // INIT needs 4 bytes of flags
  EXPECT_THROW(mctpmd::serve_swtpm_ctrl(ctrl, state, tpm, log), mctpm::Error);
}

}  // namespace
