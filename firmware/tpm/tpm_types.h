// TPM 2.0 Part 2 constants this engine uses. Values are checked against
// tss2_tpm2_types.h by tests/firmware (constants_test.cpp).
#ifndef MCTPM_TPM_TPM_TYPES_H
#define MCTPM_TPM_TPM_TYPES_H

#include <stdint.h>

namespace tpm {

using TPM_RC = uint32_t;
using TPM_CC = uint32_t;
using TPM_ALG_ID = uint16_t;
using TPM_ST = uint16_t;
using TPM_HANDLE = uint32_t;

// ---- TPM_ST ----
constexpr TPM_ST TPM_ST_NO_SESSIONS = 0x8001;
constexpr TPM_ST TPM_ST_SESSIONS = 0x8002;
constexpr TPM_ST TPM_ST_HASHCHECK = 0x8024;

// ---- TPM_SE ----
constexpr uint8_t TPM_SE_HMAC = 0x00;
constexpr uint8_t TPM_SE_POLICY = 0x01;
constexpr uint8_t TPM_SE_TRIAL = 0x03;

// ---- TPM_SU ----
constexpr uint16_t TPM_SU_CLEAR = 0x0000;
constexpr uint16_t TPM_SU_STATE = 0x0001;

// ---- TPM_ALG_ID ----
constexpr TPM_ALG_ID TPM_ALG_SHA1 = 0x0004;
constexpr TPM_ALG_ID TPM_ALG_AES = 0x0006;
constexpr TPM_ALG_ID TPM_ALG_SHA256 = 0x000B;
constexpr TPM_ALG_ID TPM_ALG_NULL = 0x0010;

// TPMA_ALGORITHM bits (ATTR_ prefix: tss2 headers define TPMA_* as macros)
constexpr uint32_t ATTR_ALGORITHM_HASH = 0x00000004;

// ---- TPM_RC ----
constexpr TPM_RC TPM_RC_SUCCESS = 0x000;
constexpr TPM_RC TPM_RC_BAD_TAG = 0x01E;
constexpr TPM_RC RC_VER1 = 0x100;
constexpr TPM_RC TPM_RC_INITIALIZE = RC_VER1 + 0x000;
constexpr TPM_RC TPM_RC_FAILURE = RC_VER1 + 0x001;

constexpr TPM_RC TPM_RC_AUTH_MISSING = RC_VER1 + 0x025;
constexpr TPM_RC TPM_RC_PCR_CHANGED = RC_VER1 + 0x028;
constexpr TPM_RC TPM_RC_AUTH_UNAVAILABLE = RC_VER1 + 0x02F;
constexpr TPM_RC TPM_RC_COMMAND_SIZE = RC_VER1 + 0x042;
constexpr TPM_RC TPM_RC_COMMAND_CODE = RC_VER1 + 0x043;
constexpr TPM_RC TPM_RC_AUTHSIZE = RC_VER1 + 0x044;
constexpr TPM_RC TPM_RC_AUTH_CONTEXT = RC_VER1 + 0x045;
constexpr TPM_RC RC_FMT1 = 0x080;
constexpr TPM_RC TPM_RC_ATTRIBUTES = RC_FMT1 + 0x002;
constexpr TPM_RC TPM_RC_HASH = RC_FMT1 + 0x003;
constexpr TPM_RC TPM_RC_VALUE = RC_FMT1 + 0x004;
constexpr TPM_RC TPM_RC_MODE = RC_FMT1 + 0x009;
constexpr TPM_RC TPM_RC_HANDLE = RC_FMT1 + 0x00B;
constexpr TPM_RC TPM_RC_AUTH_FAIL = RC_FMT1 + 0x00E;
constexpr TPM_RC TPM_RC_NONCE = RC_FMT1 + 0x00F;
constexpr TPM_RC TPM_RC_SIZE = RC_FMT1 + 0x015;
constexpr TPM_RC TPM_RC_SYMMETRIC = RC_FMT1 + 0x016;
constexpr TPM_RC TPM_RC_INSUFFICIENT = RC_FMT1 + 0x01A;
constexpr TPM_RC TPM_RC_POLICY_FAIL = RC_FMT1 + 0x01D;
constexpr TPM_RC TPM_RC_RESERVED_BITS = RC_FMT1 + 0x021;
constexpr TPM_RC TPM_RC_BAD_AUTH = RC_FMT1 + 0x022;
constexpr TPM_RC RC_WARN = 0x900;
constexpr TPM_RC TPM_RC_OBJECT_MEMORY = RC_WARN + 0x002;
constexpr TPM_RC TPM_RC_SESSION_MEMORY = RC_WARN + 0x003;
constexpr TPM_RC TPM_RC_MEMORY = RC_WARN + 0x004;
constexpr TPM_RC TPM_RC_LOCALITY = RC_WARN + 0x007;
constexpr TPM_RC TPM_RC_NV_UNAVAILABLE = RC_WARN + 0x023;
constexpr TPM_RC TPM_RC_REFERENCE_H0 = RC_WARN + 0x010;
constexpr TPM_RC TPM_RC_REFERENCE_S0 = RC_WARN + 0x018;
// Format-1 qualifiers: which handle, session or parameter the error is about.
constexpr TPM_RC TPM_RC_H = 0x000;
constexpr TPM_RC TPM_RC_P = 0x040;
constexpr TPM_RC TPM_RC_S = 0x800;
constexpr TPM_RC TPM_RC_1 = 0x100;

// Adds "parameter n" / "handle n" / "session n" to a format-1 code; other
// codes cannot carry a number and pass through unchanged.
constexpr bool rc_is_fmt1(TPM_RC rc) { return (rc & RC_FMT1) != 0; }
constexpr TPM_RC rc_param(TPM_RC rc, unsigned n) {
  return rc_is_fmt1(rc) ? (rc | TPM_RC_P | (n << 8)) : rc;
}
constexpr TPM_RC rc_handle(TPM_RC rc, unsigned n) {
  return rc_is_fmt1(rc) ? (rc | TPM_RC_H | (n << 8)) : rc;
}
constexpr TPM_RC rc_session(TPM_RC rc, unsigned n) {
  return rc_is_fmt1(rc) ? (rc | TPM_RC_S | (n << 8)) : rc;
}

// ---- TPM_CC ----
constexpr TPM_CC TPM_CC_PCR_Event = 0x13C;
constexpr TPM_CC TPM_CC_PCR_Reset = 0x13D;
constexpr TPM_CC TPM_CC_SequenceComplete = 0x13E;
constexpr TPM_CC TPM_CC_IncrementalSelfTest = 0x142;
constexpr TPM_CC TPM_CC_SelfTest = 0x143;
constexpr TPM_CC TPM_CC_Startup = 0x144;
constexpr TPM_CC TPM_CC_Shutdown = 0x145;
constexpr TPM_CC TPM_CC_StirRandom = 0x146;
constexpr TPM_CC TPM_CC_SequenceUpdate = 0x15C;
constexpr TPM_CC TPM_CC_FlushContext = 0x165;
constexpr TPM_CC TPM_CC_PolicyAuthValue = 0x16B;
constexpr TPM_CC TPM_CC_StartAuthSession = 0x176;
constexpr TPM_CC TPM_CC_GetCapability = 0x17A;
constexpr TPM_CC TPM_CC_GetRandom = 0x17B;
constexpr TPM_CC TPM_CC_GetTestResult = 0x17C;
constexpr TPM_CC TPM_CC_PCR_Read = 0x17E;
constexpr TPM_CC TPM_CC_PolicyPCR = 0x17F;
constexpr TPM_CC TPM_CC_PolicyRestart = 0x180;
constexpr TPM_CC TPM_CC_ReadClock = 0x181;
constexpr TPM_CC TPM_CC_PCR_Extend = 0x182;
constexpr TPM_CC TPM_CC_EventSequenceComplete = 0x185;
constexpr TPM_CC TPM_CC_HashSequenceStart = 0x186;
constexpr TPM_CC TPM_CC_PolicyGetDigest = 0x189;
constexpr TPM_CC TPM_CC_PolicyPassword = 0x18C;

// TPMA_CC fields
constexpr uint32_t ATTR_CC_NV = 1u << 22;
constexpr uint32_t ATTR_CC_FLUSHED = 1u << 24;
constexpr uint32_t ATTR_CC_CHANDLES_SHIFT = 25;
constexpr uint32_t ATTR_CC_RHANDLE = 1u << 28;

// TPMA_SESSION bits
constexpr uint8_t ATTR_SESSION_CONTINUESESSION = 0x01;
constexpr uint8_t ATTR_SESSION_AUDITEXCLUSIVE = 0x02;
constexpr uint8_t ATTR_SESSION_AUDITRESET = 0x04;
constexpr uint8_t ATTR_SESSION_RESERVED = 0x18;
constexpr uint8_t ATTR_SESSION_DECRYPT = 0x20;
constexpr uint8_t ATTR_SESSION_ENCRYPT = 0x40;
constexpr uint8_t ATTR_SESSION_AUDIT = 0x80;

// ---- TPM_CAP ----
constexpr uint32_t TPM_CAP_ALGS = 0x0;
constexpr uint32_t TPM_CAP_HANDLES = 0x1;
constexpr uint32_t TPM_CAP_COMMANDS = 0x2;
constexpr uint32_t TPM_CAP_PCRS = 0x5;
constexpr uint32_t TPM_CAP_TPM_PROPERTIES = 0x6;
constexpr uint32_t TPM_CAP_PCR_PROPERTIES = 0x7;
constexpr uint32_t TPM_CAP_ECC_CURVES = 0x8;

// MAX_CAP_* for a 1024-byte capability buffer (Part 2, Table "defines for capabilities")
constexpr uint32_t MAX_CAP_BUFFER = 1024;
constexpr uint32_t MAX_CAP_DATA = MAX_CAP_BUFFER - 4 - 4;
// The divisors are the C struct sizes of Part 2 (padding included), as in the
// reference code: TPMS_ALG_PROPERTY is 8, TPMS_TAGGED_PCR_SELECT with a
// 3-byte select is 8.
constexpr uint32_t MAX_CAP_ALGS = MAX_CAP_DATA / 8;
constexpr uint32_t MAX_CAP_HANDLES = MAX_CAP_DATA / 4;
constexpr uint32_t MAX_CAP_CC = MAX_CAP_DATA / 4;
constexpr uint32_t MAX_TPM_PROPERTIES = MAX_CAP_DATA / 8;
constexpr uint32_t MAX_PCR_PROPERTIES = MAX_CAP_DATA / 8;
constexpr uint32_t MAX_ECC_CURVES = MAX_CAP_DATA / 2;

// ---- TPM_PT ----
constexpr uint32_t PT_GROUP = 0x100;
constexpr uint32_t PT_FIXED = PT_GROUP * 1;
constexpr uint32_t PT_VAR = PT_GROUP * 2;
constexpr uint32_t TPM_PT_FAMILY_INDICATOR = PT_FIXED + 0;
constexpr uint32_t TPM_PT_LEVEL = PT_FIXED + 1;
constexpr uint32_t TPM_PT_REVISION = PT_FIXED + 2;
constexpr uint32_t TPM_PT_DAY_OF_YEAR = PT_FIXED + 3;
constexpr uint32_t TPM_PT_YEAR = PT_FIXED + 4;
constexpr uint32_t TPM_PT_MANUFACTURER = PT_FIXED + 5;
constexpr uint32_t TPM_PT_VENDOR_STRING_1 = PT_FIXED + 6;
constexpr uint32_t TPM_PT_VENDOR_STRING_2 = PT_FIXED + 7;
constexpr uint32_t TPM_PT_VENDOR_STRING_3 = PT_FIXED + 8;
constexpr uint32_t TPM_PT_VENDOR_STRING_4 = PT_FIXED + 9;
constexpr uint32_t TPM_PT_VENDOR_TPM_TYPE = PT_FIXED + 10;
constexpr uint32_t TPM_PT_FIRMWARE_VERSION_1 = PT_FIXED + 11;
constexpr uint32_t TPM_PT_FIRMWARE_VERSION_2 = PT_FIXED + 12;
constexpr uint32_t TPM_PT_INPUT_BUFFER = PT_FIXED + 13;
constexpr uint32_t TPM_PT_HR_TRANSIENT_MIN = PT_FIXED + 14;
constexpr uint32_t TPM_PT_HR_PERSISTENT_MIN = PT_FIXED + 15;
constexpr uint32_t TPM_PT_HR_LOADED_MIN = PT_FIXED + 16;
constexpr uint32_t TPM_PT_ACTIVE_SESSIONS_MAX = PT_FIXED + 17;
constexpr uint32_t TPM_PT_PCR_COUNT = PT_FIXED + 18;
constexpr uint32_t TPM_PT_PCR_SELECT_MIN = PT_FIXED + 19;
constexpr uint32_t TPM_PT_CONTEXT_GAP_MAX = PT_FIXED + 20;
constexpr uint32_t TPM_PT_NV_COUNTERS_MAX = PT_FIXED + 22;
constexpr uint32_t TPM_PT_NV_INDEX_MAX = PT_FIXED + 23;
constexpr uint32_t TPM_PT_MEMORY = PT_FIXED + 24;
constexpr uint32_t TPM_PT_CLOCK_UPDATE = PT_FIXED + 25;
constexpr uint32_t TPM_PT_CONTEXT_HASH = PT_FIXED + 26;
constexpr uint32_t TPM_PT_CONTEXT_SYM = PT_FIXED + 27;
constexpr uint32_t TPM_PT_CONTEXT_SYM_SIZE = PT_FIXED + 28;
constexpr uint32_t TPM_PT_ORDERLY_COUNT = PT_FIXED + 29;
constexpr uint32_t TPM_PT_MAX_COMMAND_SIZE = PT_FIXED + 30;
constexpr uint32_t TPM_PT_MAX_RESPONSE_SIZE = PT_FIXED + 31;
constexpr uint32_t TPM_PT_MAX_DIGEST = PT_FIXED + 32;
constexpr uint32_t TPM_PT_MAX_OBJECT_CONTEXT = PT_FIXED + 33;
constexpr uint32_t TPM_PT_MAX_SESSION_CONTEXT = PT_FIXED + 34;
constexpr uint32_t TPM_PT_PS_FAMILY_INDICATOR = PT_FIXED + 35;
constexpr uint32_t TPM_PT_PS_LEVEL = PT_FIXED + 36;
constexpr uint32_t TPM_PT_PS_REVISION = PT_FIXED + 37;
constexpr uint32_t TPM_PT_PS_DAY_OF_YEAR = PT_FIXED + 38;
constexpr uint32_t TPM_PT_PS_YEAR = PT_FIXED + 39;
constexpr uint32_t TPM_PT_SPLIT_MAX = PT_FIXED + 40;
constexpr uint32_t TPM_PT_TOTAL_COMMANDS = PT_FIXED + 41;
constexpr uint32_t TPM_PT_LIBRARY_COMMANDS = PT_FIXED + 42;
constexpr uint32_t TPM_PT_VENDOR_COMMANDS = PT_FIXED + 43;
constexpr uint32_t TPM_PT_NV_BUFFER_MAX = PT_FIXED + 44;
constexpr uint32_t TPM_PT_MODES = PT_FIXED + 45;
constexpr uint32_t TPM_PT_MAX_CAP_BUFFER = PT_FIXED + 46;
constexpr uint32_t TPM_PT_PERMANENT = PT_VAR + 0;
constexpr uint32_t TPM_PT_STARTUP_CLEAR = PT_VAR + 1;
constexpr uint32_t TPM_PT_HR_NV_INDEX = PT_VAR + 2;
constexpr uint32_t TPM_PT_HR_LOADED = PT_VAR + 3;
constexpr uint32_t TPM_PT_HR_LOADED_AVAIL = PT_VAR + 4;
constexpr uint32_t TPM_PT_HR_ACTIVE = PT_VAR + 5;
constexpr uint32_t TPM_PT_HR_ACTIVE_AVAIL = PT_VAR + 6;
constexpr uint32_t TPM_PT_HR_TRANSIENT_AVAIL = PT_VAR + 7;
constexpr uint32_t TPM_PT_HR_PERSISTENT = PT_VAR + 8;
constexpr uint32_t TPM_PT_HR_PERSISTENT_AVAIL = PT_VAR + 9;
constexpr uint32_t TPM_PT_NV_COUNTERS = PT_VAR + 10;
constexpr uint32_t TPM_PT_NV_COUNTERS_AVAIL = PT_VAR + 11;
constexpr uint32_t TPM_PT_ALGORITHM_SET = PT_VAR + 12;
constexpr uint32_t TPM_PT_LOADED_CURVES = PT_VAR + 13;
constexpr uint32_t TPM_PT_LOCKOUT_COUNTER = PT_VAR + 14;
constexpr uint32_t TPM_PT_MAX_AUTH_FAIL = PT_VAR + 15;
constexpr uint32_t TPM_PT_LOCKOUT_INTERVAL = PT_VAR + 16;
constexpr uint32_t TPM_PT_LOCKOUT_RECOVERY = PT_VAR + 17;
constexpr uint32_t TPM_PT_NV_WRITE_RECOVERY = PT_VAR + 18;
constexpr uint32_t TPM_PT_AUDIT_COUNTER_0 = PT_VAR + 19;
constexpr uint32_t TPM_PT_AUDIT_COUNTER_1 = PT_VAR + 20;

// TPMA_STARTUP_CLEAR bits
constexpr uint32_t ATTR_STARTUP_CLEAR_PHENABLE = 0x00000001;
constexpr uint32_t ATTR_STARTUP_CLEAR_SHENABLE = 0x00000002;
constexpr uint32_t ATTR_STARTUP_CLEAR_EHENABLE = 0x00000004;
constexpr uint32_t ATTR_STARTUP_CLEAR_PHENABLENV = 0x00000008;
constexpr uint32_t ATTR_STARTUP_CLEAR_ORDERLY = 0x80000000;

// ---- TPM_PT_PCR ----
constexpr uint32_t TPM_PT_PCR_SAVE = 0x00;
constexpr uint32_t TPM_PT_PCR_EXTEND_L0 = 0x01;
constexpr uint32_t TPM_PT_PCR_RESET_L0 = 0x02;
constexpr uint32_t TPM_PT_PCR_RESET_L4 = 0x0A;
constexpr uint32_t TPM_PT_PCR_NO_INCREMENT = 0x11;
constexpr uint32_t TPM_PT_PCR_DRTM_RESET = 0x12;
constexpr uint32_t TPM_PT_PCR_POLICY = 0x13;
constexpr uint32_t TPM_PT_PCR_AUTH = 0x14;
constexpr uint32_t TPM_PT_PCR_LAST = 0x14;

// ---- handles ----
constexpr uint32_t HR_SHIFT = 24;
constexpr uint8_t TPM_HT_PCR = 0x00;
constexpr uint8_t TPM_HT_NV_INDEX = 0x01;
constexpr uint8_t TPM_HT_HMAC_SESSION = 0x02;
constexpr uint8_t TPM_HT_POLICY_SESSION = 0x03;
constexpr uint8_t TPM_HT_PERMANENT = 0x40;
constexpr uint8_t TPM_HT_TRANSIENT = 0x80;
constexpr uint8_t TPM_HT_PERSISTENT = 0x81;
constexpr uint8_t TPM_HT_LOADED_SESSION = TPM_HT_HMAC_SESSION;  // in TPM_CAP_HANDLES
constexpr uint8_t TPM_HT_SAVED_SESSION = TPM_HT_POLICY_SESSION;
constexpr TPM_HANDLE HR_HANDLE_MASK = 0x00FFFFFF;
constexpr TPM_HANDLE TPM_RH_OWNER = 0x40000001;
constexpr TPM_HANDLE TPM_RH_NULL = 0x40000007;
constexpr TPM_HANDLE TPM_RS_PW = 0x40000009;
constexpr TPM_HANDLE TPM_RH_LOCKOUT = 0x4000000A;
constexpr TPM_HANDLE TPM_RH_ENDORSEMENT = 0x4000000B;
constexpr TPM_HANDLE TPM_RH_PLATFORM = 0x4000000C;
constexpr TPM_HANDLE TPM_RH_PLATFORM_NV = 0x4000000D;

constexpr uint8_t handle_type(TPM_HANDLE h) { return static_cast<uint8_t>(h >> HR_SHIFT); }

// ---- implementation limits ----
constexpr unsigned kPcrCount = 24;
constexpr unsigned kPcrSelectSize = 3;       // PCR_SELECT_MIN = PCR_SELECT_MAX
constexpr unsigned kNumBanks = 2;            // SHA-1, SHA-256 (HASH_COUNT)
constexpr unsigned kMaxDigestsPerRead = 8;   // TPML_DIGEST limit in PCR_Read
constexpr unsigned kMaxEventSize = 1024;     // TPM2B_EVENT
constexpr unsigned kMaxSessions = 3;          // per command (MAX_SESSION_NUM)
constexpr unsigned kMaxLoadedSessions = 3;    // MAX_LOADED_SESSIONS
constexpr unsigned kMaxLoadedObjects = 3;     // MAX_LOADED_OBJECTS (sequence objects so far)
constexpr unsigned kMaxBuffer = 1024;         // TPM2B_MAX_BUFFER
constexpr unsigned kMaxEncryptedSecret = 256; // TPM2B_ENCRYPTED_SECRET (RSA-2048)
constexpr unsigned kMaxDigest = 32;          // sizeof(TPMU_HA)
constexpr unsigned kMaxSensitiveData = 128;  // TPM2B_SENSITIVE_DATA (StirRandom)

}  // namespace tpm

#endif
