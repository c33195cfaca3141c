// TPM2_SelfTest, TPM2_IncrementalSelfTest, TPM2_GetTestResult (Part 3, chapter 10).
// The self test is a known-answer test of the hash engines behind crypto/sha.
#include <string.h>

#include "crypto/sha.h"
#include "tpm/command.h"

namespace tpm {
namespace {

constexpr uint32_t kMaxAlgList = 64;  // MAX_ALG_LIST_SIZE

// FIPS 180-4 examples: SHA-1("abc") and SHA-256("abc").
const uint8_t kAbc[3] = {'a', 'b', 'c'};
const uint8_t kSha1Abc[20] = {0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
                              0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d};
const uint8_t kSha256Abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};

bool hash_kat_passes() {
  uint8_t out[32];
  crypto::sha(crypto::HashAlg::Sha1, kAbc, sizeof(kAbc), out);
  if (memcmp(out, kSha1Abc, sizeof(kSha1Abc)) != 0) return false;
  crypto::sha(crypto::HashAlg::Sha256, kAbc, sizeof(kAbc), out);
  return memcmp(out, kSha256Abc, sizeof(kSha256Abc)) == 0;
}

TPM_RC run_self_test(Tpm& tpm) {
  tpm.self_test_failed = !hash_kat_passes();
  tpm.self_tested = true;
  return tpm.self_test_failed ? TPM_RC_FAILURE : TPM_RC_SUCCESS;
}

// ---- SelfTest ----
struct SelfTestIn {
  uint8_t full_test;
};

TPM_RC unmarshal_self_test(Reader& r, SelfTestIn& in) {
  TPM_RC rc = r.u8(in.full_test);
  if (rc == TPM_RC_SUCCESS && in.full_test > 1) rc = TPM_RC_VALUE;  // TPMI_YES_NO
  return rc_param(rc, 1);
}

TPM_RC self_test_action(Tpm& tpm, const Command&, const SelfTestIn&, Empty&) {
  return run_self_test(tpm);
}

// ---- IncrementalSelfTest ----
TPM_RC unmarshal_alg_list(Reader& r, Empty&) {
  uint32_t count = 0;
  TPM_RC rc = r.u32(count);
  if (rc == TPM_RC_SUCCESS && count > kMaxAlgList) rc = TPM_RC_SIZE;
  for (uint32_t i = 0; rc == TPM_RC_SUCCESS && i < count; ++i) {
    uint16_t alg = 0;
    rc = r.u16(alg);
  }
  return rc_param(rc, 1);
}

struct ToDoList {
  uint32_t count;
};

TPM_RC incremental_action(Tpm& tpm, const Command&, const Empty&, ToDoList& out) {
  // Every algorithm is tested at once; nothing is left to do afterwards.
  out.count = 0;
  return tpm.self_tested ? TPM_RC_SUCCESS : run_self_test(tpm);
}

void marshal_todo(Writer& w, const ToDoList& out) { w.u32(out.count); }

// ---- GetTestResult ----
struct TestResultOut {
  TPM_RC result;
};

TPM_RC test_result_action(Tpm& tpm, const Command&, const Empty&, TestResultOut& out) {
  out.result = tpm.self_test_failed ? TPM_RC_FAILURE : TPM_RC_SUCCESS;
  return TPM_RC_SUCCESS;
}

void marshal_test_result(Writer& w, const TestResultOut& out) {
  w.u16(0);  // outData: no vendor test data
  w.u32(out.result);
}

}  // namespace

TPM_RC cmd_self_test(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<SelfTestIn, Empty, unmarshal_self_test, self_test_action, marshal_empty>(
      tpm, cmd, w);
}

TPM_RC cmd_incremental_self_test(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, ToDoList, unmarshal_alg_list, incremental_action, marshal_todo>(
      tpm, cmd, w);
}

TPM_RC cmd_get_test_result(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, TestResultOut, unmarshal_empty, test_result_action,
                     marshal_test_result>(tpm, cmd, w);
}

}  // namespace tpm
