// HMAC and policy sessions: StartAuthSession, HMAC authorization of the PCR
// commands, FlushContext, the policy commands. The test client computes
// every cpHash, rpHash, HMAC and KDFa itself with OpenSSL.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "tpm_client.h"

using namespace tpmtest;

namespace {

constexpr uint16_t kSha1 = 0x0004;
constexpr uint16_t kSha256 = 0x000B;
constexpr uint16_t kAlgNull = 0x0010;
constexpr uint8_t kSeHmac = 0x00, kSePolicy = 0x01, kSeTrial = 0x03;
constexpr uint32_t kRhOwner = 0x40000001, kRhLockout = 0x4000000A;
constexpr uint32_t kCcPcrEvent = 0x13C, kCcPcrExtend = 0x182, kCcStartAuthSession = 0x176;
constexpr uint32_t kCcFlushContext = 0x165, kCcPolicyPcr = 0x17F, kCcPolicyRestart = 0x180;
constexpr uint32_t kCcPolicyGetDigest = 0x189, kCcPolicyPassword = 0x18C;
constexpr uint32_t kCcPolicyAuthValue = 0x16B, kCcGetCapability = 0x17A;
constexpr uint8_t kContinue = 0x01;

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
Bytes be32(uint32_t v) {
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}
Bytes be16(uint16_t v) { return {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}; }

Bytes hmac(uint16_t alg, const Bytes& key, const Bytes& data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  static const uint8_t kNone = 0;
  HMAC(alg == kSha1 ? EVP_sha1() : EVP_sha256(), key.empty() ? &kNone : key.data(),
       static_cast<int>(key.size()), data.empty() ? &kNone : data.data(), data.size(),
       out.data(), &len);
  out.resize(len);
  return out;
}

// KDFa (Part 1 11.4.10.2) from OpenSSL's HMAC.
Bytes kdfa(uint16_t alg, const Bytes& key, const std::string& label, const Bytes& u,
           const Bytes& v, uint32_t bits) {
  Bytes out;
  for (uint32_t i = 1; out.size() * 8 < bits; ++i) {
    Bytes m = be32(i);
    m.insert(m.end(), label.begin(), label.end());
    m.push_back(0);
    m = cat(cat(cat(m, u), v), be32(bits));
    out = cat(out, hmac(alg, key, m));
  }
  out.resize(bits / 8);
  return out;
}

// The test's view of a session.
struct Session {
  uint32_t handle = 0;
  uint16_t alg = kSha256;
  Bytes nonce_tpm;
  Bytes nonce_caller;
  Bytes key;  // sessionKey
};

// A command's handles and parameters, signed by one session.
struct Authorized {
  uint32_t cc;
  std::vector<uint32_t> handles;
  Bytes params;
};

// Response parts after the header.
struct Reply {
  uint32_t rc = 0;
  Bytes params;
  Bytes nonce_tpm;
  uint8_t attributes = 0;
  Bytes hmac;
};

class Sessions : public TpmTest {
 protected:
  void SetUp() override {
    TpmTest::SetUp();
    startup();
  }

  // TPM2_StartAuthSession; returns the rc and fills s.
  uint32_t start(Session& s, uint8_t type, uint16_t alg = kSha256, uint32_t bind = kRhNull,
                 uint32_t tpm_key = kRhNull, size_t nonce_len = 0, uint16_t sym = kAlgNull,
                 const Bytes& salt = {}) {
    s.alg = alg;
    s.nonce_caller = Bytes(nonce_len ? nonce_len : hash_by_alg(alg, {}).size(), 0);
    for (size_t i = 0; i < s.nonce_caller.size(); ++i) s.nonce_caller[i] = uint8_t(0xA0 + i);
    Cmd c(kNoSessions, kCcStartAuthSession);
    c.u32(tpm_key).u32(bind).tpm2b(s.nonce_caller).tpm2b(salt).u8(type).u16(sym).u16(alg);
    Rsp r = exec(c.done());
    if (r.rc() != 0) return r.rc();
    s.handle = r.u32();
    s.nonce_tpm = r.tpm2b();
    EXPECT_EQ(r.left(), 0u);
    if (bind != kRhNull) {
      // Every entity here has an empty authValue; there is no salt.
      s.key = kdfa(alg, {}, "ATH", s.nonce_tpm, s.nonce_caller,
                   static_cast<uint32_t>(s.nonce_tpm.size() * 8));
    }
    return 0;
  }

  Bytes cp_hash(const Session& s, const Authorized& a) {
    Bytes m = be32(a.cc);
    for (uint32_t h : a.handles) m = cat(m, be32(h));  // Name of a PCR/permanent handle
    return hash_by_alg(s.alg, cat(m, a.params));
  }

  // Sends `a` with session s; auth_value is the authorized entity's (empty
  // here) and goes into the HMAC key unless the session is bound to it.
  // corrupt flips a bit of the HMAC.
  Reply send(Session& s, const Authorized& a, uint8_t attributes = kContinue,
             bool include_auth_value = true, bool corrupt = false, bool empty_hmac = false) {
    (void)include_auth_value;  // all authValues are empty: the key is sessionKey alone
    s.nonce_caller = hash_by_alg(s.alg, cat(s.nonce_caller, {1}));  // a fresh caller nonce
    Bytes mac = hmac(s.alg, s.key,
                     cat(cat(cat(cp_hash(s, a), s.nonce_caller), s.nonce_tpm), {attributes}));
    if (corrupt) mac[0] ^= 1;
    if (empty_hmac) mac.clear();
    Cmd c(kSessions, a.cc);
    for (uint32_t h : a.handles) c.u32(h);
    c.session(s.handle, attributes, mac, s.nonce_caller);
    c.bytes(a.params);
    Rsp r = exec(c.done());
    Reply out;
    out.rc = r.rc();
    if (out.rc != 0) {
      EXPECT_EQ(r.size(), 10u);
      return out;
    }
    EXPECT_EQ(r.tag(), kSessions);
    out.params = r.bytes(r.u32());
    out.nonce_tpm = r.tpm2b();
    out.attributes = r.u8();
    out.hmac = r.tpm2b();
    EXPECT_EQ(r.left(), 0u);
    return out;
  }

  // Checks the response HMAC like a caller would, and takes the new nonce.
  void verify(Session& s, const Authorized& a, const Reply& rep) {
    const Bytes rp = hash_by_alg(s.alg, cat(cat(be32(0), be32(a.cc)), rep.params));
    const Bytes want =
        hmac(s.alg, s.key, cat(cat(cat(rp, rep.nonce_tpm), s.nonce_caller), {rep.attributes}));
    EXPECT_EQ(rep.hmac, want);
    EXPECT_EQ(rep.nonce_tpm.size(), hash_by_alg(s.alg, {}).size());
    EXPECT_NE(rep.nonce_tpm, s.nonce_tpm);
    s.nonce_tpm = rep.nonce_tpm;
  }

  static Authorized pcr_event(uint32_t pcr, const Bytes& data) {
    return {kCcPcrEvent, {pcr}, cat(be16(static_cast<uint16_t>(data.size())), data)};
  }
  static Authorized pcr_extend_sha256(uint32_t pcr, const Bytes& digest) {
    return {kCcPcrExtend, {pcr}, cat(cat(be32(1), be16(kSha256)), digest)};
  }

  uint32_t flush(uint32_t handle) {
    return exec(Cmd(kNoSessions, kCcFlushContext).u32(handle).done()).rc();
  }

  uint32_t property(uint32_t pt) {
    Rsp r = exec(Cmd(kNoSessions, kCcGetCapability).u32(6).u32(pt).u32(1).done());
    EXPECT_EQ(r.rc(), 0u);
    r.u8();
    r.u32();
    EXPECT_EQ(r.u32(), 1u);
    EXPECT_EQ(r.u32(), pt);
    return r.u32();
  }

  std::vector<uint32_t> handles(uint32_t from) {
    Rsp r = exec(Cmd(kNoSessions, kCcGetCapability).u32(1).u32(from).u32(16).done());
    EXPECT_EQ(r.rc(), 0u);
    r.u8();
    r.u32();
    std::vector<uint32_t> out(r.u32());
    for (auto& h : out) h = r.u32();
    return out;
  }

  // Policy commands take the policy session as their only handle.
  Rsp policy(uint32_t cc, uint32_t session, const Bytes& params = {}) {
    return exec(Cmd(kNoSessions, cc).u32(session).bytes(params).done());
  }
  Bytes policy_digest(uint32_t session) {
    Rsp r = policy(kCcPolicyGetDigest, session);
    EXPECT_EQ(r.rc(), 0u);
    return r.tpm2b();
  }
};

}  // namespace

TEST_F(Sessions, StartAuthSessionGivesHmacHandlesAndFreshNonces) {
  Session a, b;
  ASSERT_EQ(start(a, kSeHmac), 0u);
  ASSERT_EQ(start(b, kSeHmac), 0u);
  EXPECT_EQ(a.handle >> 24, 0x02u);
  EXPECT_EQ(b.handle >> 24, 0x02u);
  EXPECT_NE(a.handle, b.handle);
  EXPECT_EQ(a.nonce_tpm.size(), 32u);
  EXPECT_NE(a.nonce_tpm, b.nonce_tpm);
  Session p;
  ASSERT_EQ(start(p, kSePolicy, kSha1), 0u);
  EXPECT_EQ(p.handle >> 24, 0x03u);
  EXPECT_EQ(p.nonce_tpm.size(), 20u);
}

TEST_F(Sessions, PcrEventWithGoodHmacSucceedsWithVerifiableResponse) {
  Session s;
  ASSERT_EQ(start(s, kSeHmac), 0u);
  const Bytes data = {'h', 'e', 'l', 'l', 'o'};
  Bytes want = Bytes(32, 0);
  for (int round = 0; round < 3; ++round) {  // the nonces roll from command to command
    const Authorized a = pcr_event(16, data);
    const Reply rep = send(s, a);
    ASSERT_EQ(rep.rc, 0u) << round;
    EXPECT_EQ(rep.attributes, kContinue);
    verify(s, a, rep);
    want = sha256(cat(want, sha256(data)));
  }
  EXPECT_EQ(pcr_read(kSha256, 16), want);
}

TEST_F(Sessions, PcrExtendWithSha1SessionSucceeds) {
  Session s;
  ASSERT_EQ(start(s, kSeHmac, kSha1), 0u);
  const Bytes d(32, 0x5A);
  const Authorized a = pcr_extend_sha256(23, d);
  const Reply rep = send(s, a);
  ASSERT_EQ(rep.rc, 0u);
  verify(s, a, rep);
  EXPECT_EQ(pcr_read(kSha256, 23), sha256(cat(Bytes(32, 0), d)));
}

TEST_F(Sessions, BadHmacIsBadAuthForSessionOneAndChangesNothing) {
  Session s;
  ASSERT_EQ(start(s, kSeHmac), 0u);
  const Bytes before = pcr_read(kSha256, 16);
  // PCRs are exempt from dictionary-attack protection: BAD_AUTH, not AUTH_FAIL.
  EXPECT_EQ(send(s, pcr_event(16, {1}), kContinue, true, true).rc, 0x9A2u);
  EXPECT_EQ(pcr_read(kSha256, 16), before);
  // The session is still there, with the same nonceTPM.
  const Authorized a = pcr_event(16, {1});
  const Reply rep = send(s, a);
  ASSERT_EQ(rep.rc, 0u);
  verify(s, a, rep);
}

TEST_F(Sessions, BadHmacOnSessionBoundToLockoutIsAuthFail) {
  Session s;
  ASSERT_EQ(start(s, kSeHmac, kSha256, kRhLockout), 0u);
  EXPECT_EQ(send(s, pcr_event(16, {1}), kContinue, true, true).rc, 0x98Eu);  // AUTH_FAIL + S1
  const Authorized a = pcr_event(16, {1});
  const Reply rep = send(s, a);
  ASSERT_EQ(rep.rc, 0u);
  verify(s, a, rep);
}

TEST_F(Sessions, EmptyHmacOnlyWithAnEmptyKey) {
  Session unbound, bound;
  ASSERT_EQ(start(unbound, kSeHmac), 0u);
  ASSERT_EQ(start(bound, kSeHmac, kSha256, 16), 0u);
  const Reply rep = send(unbound, pcr_event(16, {2}), kContinue, true, false, true);
  ASSERT_EQ(rep.rc, 0u);
  EXPECT_TRUE(rep.hmac.empty());
  EXPECT_EQ(send(bound, pcr_event(16, {2}), kContinue, true, false, true).rc, 0x9A2u);
}

TEST_F(Sessions, BoundSessionKeyIsKdfaOfTheBindAuthValueAndNonces) {
  for (uint32_t bind : {16u, 23u, kRhOwner}) {
    Session s;
    ASSERT_EQ(start(s, kSeHmac, kSha256, bind), 0u);
    ASSERT_EQ(s.key.size(), 32u);
    // The bind entity itself (no authValue in the key) and another entity.
    for (uint32_t pcr : {16u, 23u}) {
      const Authorized a = pcr_extend_sha256(pcr, Bytes(32, 1));
      const Reply rep = send(s, a);
      ASSERT_EQ(rep.rc, 0u) << bind << " " << pcr;
      verify(s, a, rep);
    }
    // With the wrong key (as if unbound) the HMAC fails.
    Session wrong = s;
    wrong.key.clear();
    EXPECT_EQ(send(wrong, pcr_extend_sha256(16, Bytes(32, 1))).rc, 0x9A2u);
    ASSERT_EQ(flush(s.handle), 0u);
  }
  Session sha1;
  ASSERT_EQ(start(sha1, kSeHmac, kSha1, 16), 0u);
  EXPECT_EQ(sha1.key.size(), 20u);
  const Authorized a = pcr_event(16, {3});
  const Reply rep = send(sha1, a);
  ASSERT_EQ(rep.rc, 0u);
  verify(sha1, a, rep);
}

TEST_F(Sessions, ContinueSessionClearFlushesTheSessionAfterTheCommand) {
  Session s;
  ASSERT_EQ(start(s, kSeHmac), 0u);
  EXPECT_EQ(property(0x203), 1u);  // TPM_PT_HR_LOADED
  const Authorized a = pcr_event(16, {4});
  const Reply rep = send(s, a, 0);
  ASSERT_EQ(rep.rc, 0u);
  EXPECT_EQ(rep.attributes, 0u);
  verify(s, a, rep);
  EXPECT_EQ(property(0x203), 0u);
  EXPECT_EQ(send(s, a).rc, 0x918u);  // REFERENCE_S0: not loaded
  EXPECT_EQ(flush(s.handle), 0x1CBu);
}

TEST_F(Sessions, FailedCommandKeepsTheSessionEvenWithoutContinueSession) {
  Session s;
  ASSERT_EQ(start(s, kSeHmac), 0u);
  // PCR 17 cannot be extended from locality 0: the command fails after authorization.
  EXPECT_EQ(send(s, pcr_event(17, {5}), 0).rc, 0x907u);  // TPM_RC_LOCALITY
  EXPECT_EQ(property(0x203), 1u);
}

TEST_F(Sessions, FlushContextUnloadsSessions) {
  Session h, p;
  ASSERT_EQ(start(h, kSeHmac), 0u);
  ASSERT_EQ(start(p, kSePolicy), 0u);
  EXPECT_EQ(flush(h.handle), 0u);
  EXPECT_EQ(flush(h.handle), 0x1CBu);                        // HANDLE + P1
  EXPECT_EQ(flush(0x02000000 | (p.handle & 0xFFFFFF)), 0x1CBu);  // policy slot, HMAC handle
  EXPECT_EQ(flush(p.handle), 0u);
  EXPECT_EQ(flush(0x80000000), 0x1CBu);  // no transient objects
  EXPECT_EQ(flush(kRhOwner), 0x1C4u);    // VALUE + P1: not a context
  EXPECT_EQ(exec(Cmd(kSessions, kCcFlushContext).pw_session().u32(h.handle).done()).rc(),
            0x145u);  // AUTH_CONTEXT: FlushContext takes no sessions
  EXPECT_EQ(property(0x203), 0u);
}

TEST_F(Sessions, FourthSessionIsSessionMemory) {
  Session s[4];
  for (int i = 0; i < 3; ++i) ASSERT_EQ(start(s[i], i == 1 ? kSePolicy : kSeHmac), 0u);
  EXPECT_EQ(property(0x203), 3u);  // HR_LOADED
  EXPECT_EQ(property(0x204), 0u);  // HR_LOADED_AVAIL
  EXPECT_EQ(start(s[3], kSeHmac), 0x903u);  // TPM_RC_SESSION_MEMORY
  ASSERT_EQ(flush(s[1].handle), 0u);
  EXPECT_EQ(start(s[3], kSeHmac), 0u);
  EXPECT_EQ(property(0x204), 0u);
}

TEST_F(Sessions, GetCapabilityListsLoadedSessions) {
  Session h, p;
  ASSERT_EQ(start(h, kSeHmac), 0u);
  ASSERT_EQ(start(p, kSeTrial), 0u);
  EXPECT_EQ(handles(0x02000000), (std::vector<uint32_t>{h.handle, p.handle}));
  EXPECT_EQ(handles(0x02000001), (std::vector<uint32_t>{p.handle}));
  EXPECT_TRUE(handles(0x03000000).empty());  // saved sessions: none
  EXPECT_EQ(property(0x205), 2u);            // HR_ACTIVE
  EXPECT_EQ(property(0x206), 1u);            // HR_ACTIVE_AVAIL
}

TEST_F(Sessions, SessionsDoNotSurviveAPowerCycle) {
  Session s;
  ASSERT_EQ(start(s, kSeHmac), 0u);
  ASSERT_EQ(exec(Cmd(kNoSessions, 0x145).u16(1).done()).rc(), 0u);  // Shutdown(STATE)
  tpm::restart(tpm_);
  ASSERT_EQ(exec(Cmd(kNoSessions, 0x144).u16(1).done()).rc(), 0u);  // Startup(STATE)
  EXPECT_EQ(send(s, pcr_event(16, {6})).rc, 0x918u);
  EXPECT_EQ(property(0x203), 0u);
}

TEST_F(Sessions, StartAuthSessionRefusesWhatItCannotDo) {
  Session s;
  EXPECT_EQ(start(s, kSeHmac, kSha256, kRhNull, kRhNull, 15), 0x1D5u);   // SIZE + P1: short nonce
  EXPECT_EQ(start(s, kSeHmac, kSha1, kRhNull, kRhNull, 32), 0x1D5u);     // longer than the digest
  EXPECT_EQ(start(s, kSeHmac, kSha256, kRhNull, kRhNull, 0, kAlgNull, {1}), 0x2C4u);  // salt: VALUE + P2
  EXPECT_EQ(start(s, 0x02), 0x3C4u);                                     // sessionType: VALUE + P3
  EXPECT_EQ(start(s, kSeHmac, kSha256, kRhNull, kRhNull, 0, 0x0006), 0x4D6u);  // AES: SYMMETRIC + P4
  EXPECT_EQ(start(s, kSeHmac, kSha256, kRhNull, kRhNull, 0, 0x000A), 0x4D6u);  // XOR
  EXPECT_EQ(start(s, kSeHmac, 0x0012), 0x5C3u);                          // SM3: HASH + P5
  EXPECT_EQ(start(s, kSeHmac, kSha256, kRhNull, 0x80000000), 0x910u);   // tpmKey not loaded
  EXPECT_EQ(start(s, kSeHmac, kSha256, kRhNull, 0x81000000), 0x18Bu);   // HANDLE + H1
  EXPECT_EQ(start(s, kSeHmac, kSha256, kRhNull, 16), 0x184u);           // VALUE + H1
  EXPECT_EQ(start(s, kSeHmac, kSha256, 0x80000001), 0x911u);            // bind not loaded
  EXPECT_EQ(start(s, kSeHmac, kSha256, 0x01000000), 0x28Bu);            // no NV index: HANDLE + H2
  EXPECT_EQ(start(s, kSeHmac, kSha256, 0x40000009), 0x284u);            // TPM_RS_PW: VALUE + H2
  EXPECT_EQ(start(s, kSeHmac, kSha256, 24), 0x284u);                    // no PCR 24
  EXPECT_EQ(property(0x203), 0u);
}

TEST_F(Sessions, AttributesTheSessionsCannotHonourAreRefused) {
  Session s;
  ASSERT_EQ(start(s, kSeHmac), 0u);
  EXPECT_EQ(send(s, pcr_event(16, {1}), kContinue | 0x20).rc, 0x996u);  // decrypt: SYMMETRIC + S1
  EXPECT_EQ(send(s, pcr_event(16, {1}), kContinue | 0x40).rc, 0x996u);  // encrypt
  EXPECT_EQ(send(s, pcr_event(16, {1}), kContinue | 0x80).rc, 0x982u);  // audit: ATTRIBUTES + S1
  // A session with no handle to authorize (GetRandom) would be audit or encryption only.
  Rsp r = exec(Cmd(kSessions, 0x17B).session(s.handle, kContinue, {}, Bytes(32, 1)).u16(8).done());
  EXPECT_EQ(r.rc(), 0x982u);
}

TEST_F(Sessions, SameSessionTwiceIsRefused) {
  Session s;
  ASSERT_EQ(start(s, kSeHmac), 0u);
  Cmd c(kSessions, kCcPcrEvent);
  c.u32(16).u32(2 * (4 + 2 + 1 + 2));
  for (int i = 0; i < 2; ++i) c.u32(s.handle).u16(0).u8(kContinue).u16(0);
  c.u16(0);
  EXPECT_EQ(exec(c.done()).rc(), 0xA8Bu);  // HANDLE + S2
}

// ---- policy sessions ----

TEST_F(Sessions, PolicyPcrDigestMatchesOpenSsl) {
  ASSERT_EQ(pcr_extend(0, kSha256, Bytes(32, 7)), 0u);
  ASSERT_EQ(pcr_extend(1, kSha1, Bytes(20, 8)), 0u);
  for (uint16_t alg : {kSha256, kSha1}) {
    Session p;
    ASSERT_EQ(start(p, kSePolicy, alg), 0u);
    // pcrs: the SHA-256 bank's PCR 0 and 1, then the SHA-1 bank's PCR 1.
    const Bytes sel = {0, 0, 0, 2, 0x00, 0x0B, 3, 0x03, 0, 0, 0x00, 0x04, 3, 0x02, 0, 0};
    const Bytes values = cat(cat(pcr_read(kSha256, 0), pcr_read(kSha256, 1)), pcr_read(kSha1, 1));
    const Bytes digest_tpm = hash_by_alg(alg, values);
    ASSERT_EQ(policy(kCcPolicyPcr, p.handle, cat(be16(0), sel)).rc(), 0u);
    const Bytes zero(digest_tpm.size(), 0);
    const Bytes want = hash_by_alg(alg, cat(cat(cat(zero, be32(kCcPolicyPcr)), sel), digest_tpm));
    EXPECT_EQ(policy_digest(p.handle), want);
    // With the expected digest given, and chained onto the first.
    const Bytes given = cat(be16(static_cast<uint16_t>(digest_tpm.size())), digest_tpm);
    ASSERT_EQ(policy(kCcPolicyPcr, p.handle, cat(given, sel)).rc(), 0u);
    EXPECT_EQ(policy_digest(p.handle),
              hash_by_alg(alg, cat(cat(cat(want, be32(kCcPolicyPcr)), sel), digest_tpm)));
    // A wrong digest: VALUE + P1, digest unchanged.
    Bytes wrong = given;
    wrong.back() ^= 1;
    const Bytes before = policy_digest(p.handle);
    EXPECT_EQ(policy(kCcPolicyPcr, p.handle, cat(wrong, sel)).rc(), 0x1C4u);
    EXPECT_EQ(policy_digest(p.handle), before);
    // PolicyRestart: back to zeros.
    ASSERT_EQ(policy(kCcPolicyRestart, p.handle).rc(), 0u);
    EXPECT_EQ(policy_digest(p.handle), zero);
    ASSERT_EQ(flush(p.handle), 0u);
  }
}

TEST_F(Sessions, PcrChangeAfterPolicyPcrIsPcrChanged) {
  Session p;
  ASSERT_EQ(start(p, kSePolicy), 0u);
  const Bytes sel = {0, 0, 0, 1, 0x00, 0x0B, 3, 0x01, 0, 0};
  ASSERT_EQ(policy(kCcPolicyPcr, p.handle, cat(be16(0), sel)).rc(), 0u);
  ASSERT_EQ(pcr_extend(5, kSha256, Bytes(32, 9)), 0u);
  EXPECT_EQ(policy(kCcPolicyPcr, p.handle, cat(be16(0), sel)).rc(), 0x128u);  // PCR_CHANGED
}

TEST_F(Sessions, TrialPolicyPcrTakesTheGivenDigest) {
  Session t;
  ASSERT_EQ(start(t, kSeTrial), 0u);
  const Bytes sel = {0, 0, 0, 1, 0x00, 0x0B, 3, 0x00, 0x00, 0x80};  // PCR 23
  const Bytes given(32, 0xEE);
  ASSERT_EQ(policy(kCcPolicyPcr, t.handle, cat(be16(32), cat(given, sel))).rc(), 0u);
  EXPECT_EQ(policy_digest(t.handle),
            sha256(cat(cat(cat(Bytes(32, 0), be32(kCcPolicyPcr)), sel), given)));
}

TEST_F(Sessions, PolicyPasswordAndAuthValueExtendWithThePolicyAuthValueCode) {
  Session p;
  ASSERT_EQ(start(p, kSePolicy), 0u);
  const Bytes want = sha256(cat(Bytes(32, 0), be32(kCcPolicyAuthValue)));
  ASSERT_EQ(policy(kCcPolicyPassword, p.handle).rc(), 0u);
  EXPECT_EQ(policy_digest(p.handle), want);
  ASSERT_EQ(policy(kCcPolicyAuthValue, p.handle).rc(), 0u);
  EXPECT_EQ(policy_digest(p.handle), sha256(cat(want, be32(kCcPolicyAuthValue))));
}

TEST_F(Sessions, PolicySessionCannotAuthorizeEntitiesWithoutAPolicy) {
  Session p, t;
  ASSERT_EQ(start(p, kSePolicy), 0u);
  ASSERT_EQ(start(t, kSeTrial), 0u);
  // PCRs have no authPolicy: TPM_RC_AUTH_UNAVAILABLE (as the reference code answers).
  EXPECT_EQ(send(p, pcr_event(16, {1})).rc, 0x12Fu);
  // A trial session never authorizes: ATTRIBUTES + S1.
  EXPECT_EQ(send(t, pcr_event(16, {1})).rc, 0x982u);
}

TEST_F(Sessions, PolicyCommandsNeedALoadedPolicySession) {
  Session h;
  ASSERT_EQ(start(h, kSeHmac), 0u);
  EXPECT_EQ(policy(kCcPolicyGetDigest, h.handle).rc(), 0x184u);      // VALUE + H1
  EXPECT_EQ(policy(kCcPolicyGetDigest, 0x03000002).rc(), 0x910u);    // REFERENCE_H0
  EXPECT_EQ(policy(kCcPolicyRestart, 0x40000007).rc(), 0x184u);
}
