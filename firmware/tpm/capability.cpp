// TPM2_GetCapability (Part 3, chapter 30). Every list starts at the requested
// property, holds at most propertyCount entries, and sets moreData when an
// entry was left out.
#include "tpm/command.h"
#include "tpm/pcr.h"
#include "tpm/session.h"
#include "soc_map.h"

namespace tpm {
namespace {

constexpr uint32_t kMaxItems = 64;  // longest list this TPM has (fixed properties: 46)

// ---- identity and limits reported as fixed properties ----
constexpr uint32_t chars(char a, char b, char c, char d) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(a)) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b)) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(c)) << 8) | static_cast<uint8_t>(d);
}
constexpr uint32_t kComputed = 0xFFFFFFFFu;  // filled in by property_value()

struct Property {
  uint32_t pt;
  uint32_t value;
};

// Sorted by pt; every group in ascending order.
const Property kFixed[] = {
    {TPM_PT_FAMILY_INDICATOR, chars('2', '.', '0', 0)},
    {TPM_PT_LEVEL, 0},
    {TPM_PT_REVISION, 159},  // TPM 2.0 library 1.59
    {TPM_PT_DAY_OF_YEAR, 312},
    {TPM_PT_YEAR, 2019},
    {TPM_PT_MANUFACTURER, chars('M', 'C', 'T', 'P')},
    {TPM_PT_VENDOR_STRING_1, chars('m', 'c', 't', 'p')},
    {TPM_PT_VENDOR_STRING_2, chars('m', ' ', 'F', 'P')},
    {TPM_PT_VENDOR_STRING_3, chars('G', 'A', ' ', ' ')},
    {TPM_PT_VENDOR_STRING_4, chars(' ', ' ', ' ', ' ')},
    {TPM_PT_VENDOR_TPM_TYPE, 1},
    {TPM_PT_FIRMWARE_VERSION_1, 0x00000001},  // 0.1 (major << 16 | minor)
    {TPM_PT_FIRMWARE_VERSION_2, 0},
    {TPM_PT_INPUT_BUFFER, 1024},
    {TPM_PT_HR_TRANSIENT_MIN, kMaxLoadedObjects},
    {TPM_PT_HR_PERSISTENT_MIN, 7},
    {TPM_PT_HR_LOADED_MIN, 3},
    {TPM_PT_ACTIVE_SESSIONS_MAX, kMaxLoadedSessions},  // no ContextSave yet: active = loaded
    {TPM_PT_PCR_COUNT, kPcrCount},
    {TPM_PT_PCR_SELECT_MIN, kPcrSelectSize},
    {TPM_PT_CONTEXT_GAP_MAX, 0xFFFF},
    {TPM_PT_NV_COUNTERS_MAX, 0},
    {TPM_PT_NV_INDEX_MAX, 2048},
    {TPM_PT_MEMORY, 0x00000006},       // sharedNV | objectCopiedToRam
    {TPM_PT_CLOCK_UPDATE, 0x00400000}, // ms between NV writes of Clock
    {TPM_PT_CONTEXT_HASH, TPM_ALG_SHA256},
    {TPM_PT_CONTEXT_SYM, TPM_ALG_AES},
    {TPM_PT_CONTEXT_SYM_SIZE, 128},
    {TPM_PT_ORDERLY_COUNT, 255},
    {TPM_PT_MAX_COMMAND_SIZE, MCTPM_TPMIF_BUF_SIZE},
    {TPM_PT_MAX_RESPONSE_SIZE, MCTPM_TPMIF_BUF_SIZE},
    {TPM_PT_MAX_DIGEST, kMaxDigest},
    {TPM_PT_MAX_OBJECT_CONTEXT, 0},    // no ContextSave yet
    {TPM_PT_MAX_SESSION_CONTEXT, 0},
    {TPM_PT_PS_FAMILY_INDICATOR, 1},   // PC Client
    {TPM_PT_PS_LEVEL, 0},
    {TPM_PT_PS_REVISION, 0x105},
    {TPM_PT_PS_DAY_OF_YEAR, 0},
    {TPM_PT_PS_YEAR, 0},
    {TPM_PT_SPLIT_MAX, 0},
    {TPM_PT_TOTAL_COMMANDS, kComputed},
    {TPM_PT_LIBRARY_COMMANDS, kComputed},
    {TPM_PT_VENDOR_COMMANDS, 0},
    {TPM_PT_NV_BUFFER_MAX, 1024},
    {TPM_PT_MODES, 0},
    {TPM_PT_MAX_CAP_BUFFER, MAX_CAP_BUFFER},
};

const Property kVariable[] = {
    {TPM_PT_PERMANENT, 0},
    {TPM_PT_STARTUP_CLEAR, kComputed},
    {TPM_PT_HR_NV_INDEX, 0},
    {TPM_PT_HR_LOADED, kComputed},
    {TPM_PT_HR_LOADED_AVAIL, kComputed},
    {TPM_PT_HR_ACTIVE, kComputed},
    {TPM_PT_HR_ACTIVE_AVAIL, kComputed},
    {TPM_PT_HR_TRANSIENT_AVAIL, kComputed},
    {TPM_PT_HR_PERSISTENT, 0},
    {TPM_PT_HR_PERSISTENT_AVAIL, 7},
    {TPM_PT_NV_COUNTERS, 0},
    {TPM_PT_NV_COUNTERS_AVAIL, 0},
    {TPM_PT_ALGORITHM_SET, 0},
    {TPM_PT_LOADED_CURVES, 0},
    {TPM_PT_LOCKOUT_COUNTER, 0},
    {TPM_PT_MAX_AUTH_FAIL, 3},
    {TPM_PT_LOCKOUT_INTERVAL, 1000},
    {TPM_PT_LOCKOUT_RECOVERY, 1000},
    {TPM_PT_NV_WRITE_RECOVERY, 0},
    {TPM_PT_AUDIT_COUNTER_0, 0},
    {TPM_PT_AUDIT_COUNTER_1, 0},
};

static_assert(sizeof(kFixed) / sizeof(kFixed[0]) <= kMaxItems, "kMaxItems too small");

uint32_t property_value(const Tpm& tpm, const Property& p) {
  if (p.value != kComputed) return p.value;
  switch (p.pt) {
    case TPM_PT_TOTAL_COMMANDS:
    case TPM_PT_LIBRARY_COMMANDS: {
      size_t n = 0;
      command_table(n);
      return static_cast<uint32_t>(n);
    }
    case TPM_PT_HR_LOADED:
    case TPM_PT_HR_ACTIVE:
      return sessions_loaded(tpm);
    case TPM_PT_HR_LOADED_AVAIL:
    case TPM_PT_HR_ACTIVE_AVAIL:
      return kMaxLoadedSessions - sessions_loaded(tpm);
    case TPM_PT_HR_TRANSIENT_AVAIL:
      return kMaxLoadedObjects - objects_loaded(tpm);
    case TPM_PT_STARTUP_CLEAR:
      return ATTR_STARTUP_CLEAR_PHENABLE | ATTR_STARTUP_CLEAR_SHENABLE |
             ATTR_STARTUP_CLEAR_EHENABLE | ATTR_STARTUP_CLEAR_PHENABLENV |
             (tpm.startup_orderly ? ATTR_STARTUP_CLEAR_ORDERLY : 0);
    default:
      return 0;
  }
}

const TPM_HANDLE kPermanentHandles[] = {TPM_RH_OWNER,       TPM_RH_NULL,     TPM_RS_PW,
                                        TPM_RH_LOCKOUT,     TPM_RH_ENDORSEMENT,
                                        TPM_RH_PLATFORM,    TPM_RH_PLATFORM_NV};

struct AlgProperty {
  TPM_ALG_ID alg;
  uint32_t attributes;
};
const AlgProperty kAlgs[] = {
    {TPM_ALG_SHA1, ATTR_ALGORITHM_HASH},
    {TPM_ALG_SHA256, ATTR_ALGORITHM_HASH},
    {TPM_ALG_NULL, 0},
};

struct GetCapabilityIn {
  uint32_t capability;
  uint32_t property;
  uint32_t count;
};

struct Item {
  uint32_t key;    // property tag, handle, TPMA_CC, algorithm, PCR property tag
  uint32_t value;  // property value, algorithm attributes, PCR select bits
};

struct GetCapabilityOut {
  uint8_t more;
  uint32_t capability;
  uint32_t count;
  Item items[kMaxItems];
};

// Appends items in ascending key order until the limit; then records that
// more data exists.
class ListBuilder {
 public:
  ListBuilder(GetCapabilityOut& out, uint32_t requested, uint32_t cap_max)
      : out_(out), limit_(requested) {
    if (limit_ > cap_max) limit_ = cap_max;
    if (limit_ > kMaxItems) limit_ = kMaxItems;
    out_.count = 0;
    out_.more = 0;
  }
  // Returns false once the list is full (and sets moreData).
  bool add(uint32_t key, uint32_t value) {
    if (out_.count >= limit_) {
      out_.more = 1;
      return false;
    }
    out_.items[out_.count].key = key;
    out_.items[out_.count].value = value;
    ++out_.count;
    return true;
  }

 private:
  GetCapabilityOut& out_;
  uint32_t limit_;
};

uint32_t pcr_property_mask(uint32_t tag) {
  uint32_t mask = 0;
  for (unsigned pcr = 0; pcr < kPcrCount; ++pcr) {
    const PcrAttributes& a = pcr_attributes(pcr);
    bool set = false;
    if (tag == TPM_PT_PCR_SAVE) {
      set = a.state_saved;
    } else if (tag >= TPM_PT_PCR_EXTEND_L0 && tag <= TPM_PT_PCR_RESET_L4) {
      const unsigned locality = (tag - 1) / 2;
      const bool is_reset = ((tag - 1) & 1) != 0;
      set = ((is_reset ? a.reset_localities : a.extend_localities) >> locality) & 1;
    } else if (tag == TPM_PT_PCR_NO_INCREMENT) {
      set = a.no_increment;
    } else if (tag == TPM_PT_PCR_DRTM_RESET) {
      set = a.drtm;
    }
    if (set) mask |= 1u << pcr;
  }
  return mask;
}

TPM_RC unmarshal_get_capability(Reader& r, GetCapabilityIn& in) {
  TPM_RC rc = r.u32(in.capability);
  if (rc != TPM_RC_SUCCESS) return rc_param(rc, 1);
  rc = r.u32(in.property);
  if (rc != TPM_RC_SUCCESS) return rc_param(rc, 2);
  return rc_param(r.u32(in.count), 3);
}

void list_properties(const Tpm& tpm, const Property* table, size_t n, uint32_t from,
                     ListBuilder& list) {
  for (size_t i = 0; i < n; ++i) {
    if (table[i].pt < from) continue;
    if (!list.add(table[i].pt, property_value(tpm, table[i]))) return;
  }
}

TPM_RC get_capability_action(Tpm& tpm, const Command&, const GetCapabilityIn& in,
                             GetCapabilityOut& out) {
  out.capability = in.capability;
  const uint32_t from = in.property;
  switch (in.capability) {
    case TPM_CAP_ALGS: {
      ListBuilder list(out, in.count, MAX_CAP_ALGS);
      for (const AlgProperty& a : kAlgs) {
        if (a.alg >= from && !list.add(a.alg, a.attributes)) break;
      }
      return TPM_RC_SUCCESS;
    }
    case TPM_CAP_HANDLES: {
      ListBuilder list(out, in.count, MAX_CAP_HANDLES);
      switch (handle_type(from)) {
        case TPM_HT_PCR:
          for (uint32_t h = from; h < kPcrCount; ++h) {
            if (!list.add(h, 0)) break;
          }
          return TPM_RC_SUCCESS;
        case TPM_HT_PERMANENT:
          for (TPM_HANDLE h : kPermanentHandles) {
            if (h >= from && !list.add(h, 0)) break;
          }
          return TPM_RC_SUCCESS;
        case TPM_HT_LOADED_SESSION:
          // HMAC and policy sessions together, in handle index order.
          for (unsigned slot = from & HR_HANDLE_MASK; slot < kMaxLoadedSessions; ++slot) {
            if (tpm.sessions[slot].loaded && !list.add(session_handle(tpm, slot), 0)) break;
          }
          return TPM_RC_SUCCESS;
        case TPM_HT_TRANSIENT:
          for (unsigned slot = from & HR_HANDLE_MASK; slot < kMaxLoadedObjects; ++slot) {
            if (tpm.objects[slot].loaded && !list.add((static_cast<uint32_t>(TPM_HT_TRANSIENT) << HR_SHIFT) | slot, 0)) break;
          }
          return TPM_RC_SUCCESS;
        case TPM_HT_SAVED_SESSION:  // no ContextSave yet
        case TPM_HT_NV_INDEX:
        case TPM_HT_PERSISTENT:
          return TPM_RC_SUCCESS;  // none exist yet
        default:
          return rc_param(TPM_RC_VALUE, 2);
      }
    }
    case TPM_CAP_COMMANDS: {
      ListBuilder list(out, in.count, MAX_CAP_CC);
      size_t n = 0;
      const CommandEntry* table = command_table(n);
      for (size_t i = 0; i < n; ++i) {
        if (table[i].cc >= from && !list.add(command_attributes(table[i]), 0)) break;
      }
      return TPM_RC_SUCCESS;
    }
    case TPM_CAP_PCRS:
      out.more = 0;
      out.count = 0;
      return TPM_RC_SUCCESS;
    case TPM_CAP_TPM_PROPERTIES: {
      ListBuilder list(out, in.count, MAX_TPM_PROPERTIES);
      // Below the fixed group means "from the first property"; a list never
      // runs from one group into the next.
      if (from < PT_FIXED + PT_GROUP) {
        list_properties(tpm, kFixed, sizeof(kFixed) / sizeof(kFixed[0]),
                        from < PT_FIXED ? PT_FIXED : from, list);
      } else if (from >= PT_VAR && from < PT_VAR + PT_GROUP) {
        list_properties(tpm, kVariable, sizeof(kVariable) / sizeof(kVariable[0]), from, list);
      }
      return TPM_RC_SUCCESS;
    }
    case TPM_CAP_PCR_PROPERTIES: {
      ListBuilder list(out, in.count, MAX_PCR_PROPERTIES);
      const uint32_t tags[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                               0x09, 0x0A, TPM_PT_PCR_NO_INCREMENT, TPM_PT_PCR_DRTM_RESET};
      for (uint32_t tag : tags) {
        if (tag >= from && !list.add(tag, pcr_property_mask(tag))) break;
      }
      return TPM_RC_SUCCESS;
    }
    case TPM_CAP_ECC_CURVES:
      out.more = 0;
      out.count = 0;  // no ECC yet
      return TPM_RC_SUCCESS;
    default:
      return rc_param(TPM_RC_VALUE, 1);
  }
}

void marshal_get_capability(Writer& w, const GetCapabilityOut& out) {
  w.u8(out.more);
  w.u32(out.capability);
  if (out.capability == TPM_CAP_PCRS) {
    PcrSelectionList all;
    all.count = kNumBanks;
    const TPM_ALG_ID banks[kNumBanks] = {TPM_ALG_SHA1, TPM_ALG_SHA256};
    for (unsigned b = 0; b < kNumBanks; ++b) {
      all.sel[b].hash = banks[b];
      all.sel[b].size_of_select = kPcrSelectSize;
      for (unsigned i = 0; i < kPcrSelectSize; ++i) all.sel[b].select[i] = 0xFF;
    }
    marshal(w, all);
    return;
  }
  w.u32(out.count);
  for (uint32_t i = 0; i < out.count; ++i) {
    const Item& it = out.items[i];
    switch (out.capability) {
      case TPM_CAP_ALGS:  // TPMS_ALG_PROPERTY
        w.u16(static_cast<uint16_t>(it.key));
        w.u32(it.value);
        break;
      case TPM_CAP_TPM_PROPERTIES:  // TPMS_TAGGED_PROPERTY
        w.u32(it.key);
        w.u32(it.value);
        break;
      case TPM_CAP_PCR_PROPERTIES:  // TPMS_TAGGED_PCR_SELECT
        w.u32(it.key);
        w.u8(kPcrSelectSize);
        w.u8(static_cast<uint8_t>(it.value));
        w.u8(static_cast<uint8_t>(it.value >> 8));
        w.u8(static_cast<uint8_t>(it.value >> 16));
        break;
      default:  // handles, TPMA_CC: one u32 each
        w.u32(it.key);
        break;
    }
  }
}

}  // namespace

TPM_RC cmd_get_capability(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<GetCapabilityIn, GetCapabilityOut, unmarshal_get_capability,
                     get_capability_action, marshal_get_capability>(tpm, cmd, w);
}

}  // namespace tpm
