// Response code names, built from libtss2's constants so no value is typed twice.
#include "mctpm/tpm_rc.h"

#include <tss2/tss2_tpm2_types.h>

#include <cstdio>

#include "management.h"
#include "mctpm/error.h"

namespace mctpm {

namespace {

struct Named {
  uint32_t rc;
  const char* name;
};

#define MCTPM_RC(x) {TPM2_RC_##x, "TPM_RC_" #x}

// Format-0 codes (errors with TPM2_RC_VER1 and warnings with TPM2_RC_WARN).
const Named kFormat0[] = {
    MCTPM_RC(INITIALIZE), MCTPM_RC(FAILURE), MCTPM_RC(SEQUENCE), MCTPM_RC(PRIVATE), MCTPM_RC(HMAC),
    MCTPM_RC(DISABLED), MCTPM_RC(EXCLUSIVE), MCTPM_RC(AUTH_TYPE), MCTPM_RC(AUTH_MISSING), MCTPM_RC(POLICY),
    MCTPM_RC(PCR), MCTPM_RC(PCR_CHANGED), MCTPM_RC(UPGRADE), MCTPM_RC(TOO_MANY_CONTEXTS),
    MCTPM_RC(AUTH_UNAVAILABLE), MCTPM_RC(REBOOT), MCTPM_RC(UNBALANCED), MCTPM_RC(COMMAND_SIZE),
    MCTPM_RC(COMMAND_CODE), MCTPM_RC(AUTHSIZE), MCTPM_RC(AUTH_CONTEXT), MCTPM_RC(NV_RANGE), MCTPM_RC(NV_SIZE),
    MCTPM_RC(NV_LOCKED), MCTPM_RC(NV_AUTHORIZATION), MCTPM_RC(NV_UNINITIALIZED), MCTPM_RC(NV_SPACE),
    MCTPM_RC(NV_DEFINED), MCTPM_RC(BAD_CONTEXT), MCTPM_RC(CPHASH), MCTPM_RC(PARENT), MCTPM_RC(NEEDS_TEST),
    MCTPM_RC(NO_RESULT), MCTPM_RC(SENSITIVE), MCTPM_RC(CONTEXT_GAP), MCTPM_RC(OBJECT_MEMORY),
    MCTPM_RC(SESSION_MEMORY), MCTPM_RC(MEMORY), MCTPM_RC(SESSION_HANDLES), MCTPM_RC(OBJECT_HANDLES),
    MCTPM_RC(LOCALITY), MCTPM_RC(YIELDED), MCTPM_RC(CANCELED), MCTPM_RC(TESTING), MCTPM_RC(REFERENCE_H0),
    MCTPM_RC(REFERENCE_H1), MCTPM_RC(REFERENCE_H2), MCTPM_RC(REFERENCE_H3), MCTPM_RC(REFERENCE_H4),
    MCTPM_RC(REFERENCE_H5), MCTPM_RC(REFERENCE_H6), MCTPM_RC(REFERENCE_S0), MCTPM_RC(REFERENCE_S1),
    MCTPM_RC(REFERENCE_S2), MCTPM_RC(REFERENCE_S3), MCTPM_RC(REFERENCE_S4), MCTPM_RC(REFERENCE_S5),
    MCTPM_RC(REFERENCE_S6), MCTPM_RC(NV_RATE), MCTPM_RC(LOCKOUT), MCTPM_RC(RETRY), MCTPM_RC(NV_UNAVAILABLE),
};

// Format-1 codes: the error number, plus a handle, session or parameter number.
const Named kFormat1[] = {
    MCTPM_RC(ASYMMETRIC), MCTPM_RC(ATTRIBUTES), MCTPM_RC(HASH), MCTPM_RC(VALUE), MCTPM_RC(HIERARCHY),
    MCTPM_RC(KEY_SIZE), MCTPM_RC(MGF), MCTPM_RC(MODE), MCTPM_RC(TYPE), MCTPM_RC(HANDLE), MCTPM_RC(KDF),
    MCTPM_RC(RANGE), MCTPM_RC(AUTH_FAIL), MCTPM_RC(NONCE), MCTPM_RC(PP), MCTPM_RC(SCHEME), MCTPM_RC(SIZE),
    MCTPM_RC(SYMMETRIC), MCTPM_RC(TAG), MCTPM_RC(SELECTOR), MCTPM_RC(INSUFFICIENT), MCTPM_RC(SIGNATURE),
    MCTPM_RC(KEY), MCTPM_RC(POLICY_FAIL), MCTPM_RC(INTEGRITY), MCTPM_RC(TICKET), MCTPM_RC(RESERVED_BITS),
    MCTPM_RC(BAD_AUTH), MCTPM_RC(EXPIRED), MCTPM_RC(POLICY_CC), MCTPM_RC(BINDING), MCTPM_RC(CURVE),
    MCTPM_RC(ECC_POINT),
};

#undef MCTPM_RC

// mctpm's vendor codes (format 0 with the TPM-vendor bit, spec/management.def).
struct Vendor {
  uint32_t rc;
  const char* name;
  const char* meaning;
};

#define MCTPM_VENDOR_RC(x, meaning) {MCTPM_MGMT_RC_##x, "MGMT_RC_" #x, meaning}

const Vendor kVendor[] = {
    MCTPM_VENDOR_RC(TRAPPED, "management command arrived in ring 1: not executed, CR0 is now 0"),
    MCTPM_VENDOR_RC(VIRT_OFF, "needs virtualization mode (XON)"),
    MCTPM_VENDOR_RC(VIRT_ON, "not allowed in virtualization mode"),
    MCTPM_VENDOR_RC(BUSY, "a context is loaded: EXIT+COMMIT or CLEAR it first"),
    MCTPM_VENDOR_RC(NO_CONTEXT, "no context loaded, or no such context id"),
    MCTPM_VENDOR_RC(NOT_PARKED, "COMMIT without a preceding EXIT"),
    MCTPM_VENDOR_RC(BLOB_FORMAT, "blob too short or long, bad magic, version or length"),
    MCTPM_VENDOR_RC(FOREIGN, "blob sealed by another device"),
    MCTPM_VENDOR_RC(PLATFORM, "blob bound to another platform state (PCR digest differs)"),
    MCTPM_VENDOR_RC(TAMPERED, "MAC does not verify: blob modified"),
    MCTPM_VENDOR_RC(STALE, "counter older than the committed one"),
    MCTPM_VENDOR_RC(UNCOMMITTED, "counter newer than the committed one: its EXIT was never committed"),
    MCTPM_VENDOR_RC(CLEARED, "the context was cleared"),
    MCTPM_VENDOR_RC(NO_SECRET, "device not provisioned: no device secret"),
    MCTPM_VENDOR_RC(FULL, "context table full"),
    MCTPM_VENDOR_RC(TOO_LARGE, "the context does not fit the TPMCS budget"),
    MCTPM_VENDOR_RC(NV, "the NV write of the context table failed: nothing changed"),
};

#undef MCTPM_VENDOR_RC

const Vendor* vendor(uint32_t rc) {
  for (const auto& v : kVendor)
    if (v.rc == rc) return &v;
  return nullptr;
}

std::string unknown(uint32_t rc) {
  char b[48];
  std::snprintf(b, sizeof b, "unknown response code 0x%08X", rc);
  return b;
}

}  // namespace

std::string rc_name(uint32_t rc) {
  if (rc == TPM2_RC_SUCCESS) return "TPM_RC_SUCCESS";
  if (rc == TPM2_RC_BAD_TAG) return "TPM_RC_BAD_TAG";
  if (rc >> 12) return unknown(rc);  // not a TPM 2.0 response code (TSS layer or garbage)
  if (rc & TPM2_RC_FMT1) {
    const uint32_t base = rc & (TPM2_RC_FMT1 | 0x3Fu);
    for (const auto& n : kFormat1) {
      if (n.rc != base) continue;
      const unsigned number = (rc & TPM2_RC_N_MASK) >> 8;
      if (rc & TPM2_RC_P) return std::string(n.name) + " (parameter " + std::to_string(number) + ")";
      if (number == 0) return n.name;
      if (rc & TPM2_RC_S) return std::string(n.name) + " (session " + std::to_string(number & 7) + ")";
      return std::string(n.name) + " (handle " + std::to_string(number & 7) + ")";
    }
    return unknown(rc);
  }
  for (const auto& n : kFormat0)
    if (n.rc == rc) return n.name;
  if (const Vendor* v = vendor(rc)) return v->name;
  return unknown(rc);
}

std::string rc_meaning(uint32_t rc) {
  const Vendor* v = vendor(rc);
  return v ? v->meaning : "";
}

std::string rc_description(uint32_t rc) {
  const std::string meaning = rc_meaning(rc);
  return meaning.empty() ? rc_name(rc) : rc_name(rc) + " (" + meaning + ")";
}

uint32_t response_code(const std::vector<uint8_t>& r) {
  if (r.size() < 10)
    throw Error(Error::Kind::Protocol, "TPM response of " + std::to_string(r.size()) +
                                           " bytes is shorter than its 10-byte header");
  return (uint32_t(r[6]) << 24) | (uint32_t(r[7]) << 16) | (uint32_t(r[8]) << 8) | r[9];
}

}  // namespace mctpm
