// The management commands (spec/management.md): virtualization on and off,
// launching, sealing out, committing, resuming and clearing contexts, and
// the read-only state queries. They run in ring 0 on the root TPM, with the
// whole chip in cmd.chip; the checks and their order are the spec's.
#include <string.h>

#include "context/context_log.h"
#include "context/sealed_blob.h"
#include "context/tpmcs.h"
#include "hal/ring.h"
#include "hal/seal_engine.h"
#include "management.h"
#include "tpm/chip.h"
#include "tpm/command.h"
#include "tpm/nv_state.h"

namespace tpm {
namespace {

constexpr TPM_RC kRcVirtOff = MCTPM_MGMT_RC_VIRT_OFF;
constexpr TPM_RC kRcVirtOn = MCTPM_MGMT_RC_VIRT_ON;
constexpr TPM_RC kRcBusy = MCTPM_MGMT_RC_BUSY;
constexpr TPM_RC kRcNoContext = MCTPM_MGMT_RC_NO_CONTEXT;
constexpr TPM_RC kRcNotParked = MCTPM_MGMT_RC_NOT_PARKED;
constexpr TPM_RC kRcBlobFormat = MCTPM_MGMT_RC_BLOB_FORMAT;
constexpr TPM_RC kRcForeign = MCTPM_MGMT_RC_FOREIGN;
constexpr TPM_RC kRcPlatform = MCTPM_MGMT_RC_PLATFORM;
constexpr TPM_RC kRcTampered = MCTPM_MGMT_RC_TAMPERED;
constexpr TPM_RC kRcStale = MCTPM_MGMT_RC_STALE;
constexpr TPM_RC kRcUncommitted = MCTPM_MGMT_RC_UNCOMMITTED;
constexpr TPM_RC kRcCleared = MCTPM_MGMT_RC_CLEARED;
constexpr TPM_RC kRcNoSecret = MCTPM_MGMT_RC_NO_SECRET;
constexpr TPM_RC kRcFull = MCTPM_MGMT_RC_FULL;
constexpr TPM_RC kRcTooLarge = MCTPM_MGMT_RC_TOO_LARGE;
constexpr TPM_RC kRcNv = MCTPM_MGMT_RC_NV;
constexpr uint32_t kPlatformPcrBits = (1u << kSharedPcrs) - 1;

// The TPMCS in plaintext between the context region and the engine; zeroed
// after every use. Static: the stack keeps its 4 KiB for the TPM commands.
alignas(4) uint8_t g_plaintext[context::kTpmcsMax];

// Zeroes the first n bytes of the scratch: what the last use wrote there.
MCTPM_COLD void wipe_plaintext(size_t n) {
  memset(g_plaintext, 0, n);
  // The stores must happen even though nothing reads them back.
  __asm__ volatile("" : : "r"(g_plaintext) : "memory");
}

RootData& data_of(const Command& cmd) { return cmd.chip->root->data; }

// Unloads the context: the hardware zeroes the CTX region, on its own while
// the response goes out (nothing reads CTX while the slot is EMPTY; LAUNCH
// and RESUME wait for the scrub to end before they fill it).
MCTPM_COLD void unload(RootData& d) {
  hal::ring::start_scrub();
  d.slot = MCTPM_MGMT_SLOT_EMPTY;
  d.context_id = 0;
  d.counter = 0;
  d.pcr_model = 0;
}

struct U32In {
  uint32_t value;
};
TPM_RC unmarshal_u32(Reader& r, U32In& in) { return rc_param(r.u32(in.value), 1); }

TPM_RC unmarshal_pcr_mask(Reader& r, U32In& in) {
  TPM_RC rc = r.u32(in.value);
  if (rc == TPM_RC_SUCCESS && (in.value & ~kPlatformPcrBits) != 0) rc = TPM_RC_VALUE;
  return rc_param(rc, 1);
}

struct ModelIn {
  uint8_t model;
};
TPM_RC unmarshal_model(Reader& r, ModelIn& in) {
  TPM_RC rc = r.u8(in.model);
  if (rc == TPM_RC_SUCCESS && in.model != MCTPM_MGMT_PCR_MODEL_SHARED &&
      in.model != MCTPM_MGMT_PCR_MODEL_PRIVATE) {
    rc = TPM_RC_VALUE;
  }
  return rc_param(rc, 1);
}

struct BlobIn {
  const uint8_t* data;
  uint16_t size;
};
TPM_RC unmarshal_blob(Reader& r, BlobIn& in) {
  return rc_param(r.tpm2b(0xFFFF, in.data, in.size), 1);
}

struct IdOut {
  uint32_t id;
};
void marshal_id(Writer& w, const IdOut& out) { w.u32(out.id); }

// ---- XON / XOFF ----
MCTPM_COLD TPM_RC xon_action(Tpm&, const Command& cmd, const U32In& in, Empty&) {
  RootData& d = data_of(cmd);
  if (d.virtualization) return kRcVirtOn;
  if (!hal::seal::secret_present()) return kRcNoSecret;
  d.virtualization = 1;
  d.pcr_mask = in.value;
  return TPM_RC_SUCCESS;
}

MCTPM_COLD TPM_RC xoff_action(Tpm&, const Command& cmd, const Empty&, Empty&) {
  RootData& d = data_of(cmd);
  if (!d.virtualization) return kRcVirtOff;
  if (d.slot != MCTPM_MGMT_SLOT_EMPTY) return kRcBusy;
  d.virtualization = 0;
  return TPM_RC_SUCCESS;
}

// ---- LAUNCH ----
MCTPM_COLD TPM_RC launch_action(Tpm& root, const Command& cmd, const ModelIn& in, IdOut& out) {
  RootData& d = data_of(cmd);
  if (!d.virtualization) return kRcVirtOff;
  if (d.slot != MCTPM_MGMT_SLOT_EMPTY) return kRcBusy;
  context::ContextTable& table = d.table;
  if (table.live >= MCTPM_MGMT_MAX_CONTEXTS || table.next_id == 0) return kRcFull;
  ContextSeeds seeds;
  if (!random_fill(root, seeds.endorsement, kSeedSize) || !random_fill(root, seeds.storage, kSeedSize) ||
      !random_fill(root, seeds.platform, kSeedSize)) {
    memset(&seeds, 0, sizeof seeds);
    return TPM_RC_FAILURE;
  }
  const uint32_t id = table.next_id;
  if (!context::record_launch(table, id)) {
    memset(&seeds, 0, sizeof seeds);
    return kRcNv;
  }
  Tpm& ctx = *cmd.chip->context;
  hal::ring::wait_scrubbed();
  init(ctx);  // factory state, needs TPM2_Startup
  const bool shared = in.model == MCTPM_MGMT_PCR_MODEL_SHARED;
  ctx.role = shared ? kRoleSharedContext : kRolePrivateContext;
  ctx.platform = shared ? &root : nullptr;
  ctx.seeds = seeds;
  memset(&seeds, 0, sizeof seeds);
  d.slot = MCTPM_MGMT_SLOT_ACTIVE;
  d.context_id = id;
  d.counter = 0;
  d.pcr_model = in.model;
  // Ring 1 from the moment this response is handed over.
  hal::ring::arm_enter();
  out.id = id;
  return TPM_RC_SUCCESS;
}

// ---- COMMIT ----
MCTPM_COLD TPM_RC commit_action(Tpm&, const Command& cmd, const Empty&, Empty&) {
  RootData& d = data_of(cmd);
  if (d.slot == MCTPM_MGMT_SLOT_EMPTY) return kRcNoContext;
  if (d.slot != MCTPM_MGMT_SLOT_PARKED) return kRcNotParked;
  if (!context::record_commit(d.table, d.context_id, d.counter)) return kRcNv;
  unload(d);
  return TPM_RC_SUCCESS;
}

// ---- RESUME ----
// The spec's order: framing, device, platform, MAC, then the counter. The
// MAC pass also decrypts into g_plaintext (h.ct_len bytes, to be wiped by
// the caller whatever the result once it got that far).
MCTPM_COLD TPM_RC check_blob(const Tpm& root, RootData& d, const uint8_t* blob, size_t len,
                  context::BlobHeader& h) {
  if (!context::parse_header(blob, len, h)) return kRcBlobFormat;
  alignas(4) uint8_t id[context::kDeviceIdSize];
  if (!hal::seal::device_id(id)) return kRcNoSecret;
  if (memcmp(id, h.device_id, sizeof id) != 0) return kRcForeign;
  uint8_t digest[context::kPlatformDigestSize];
  context::platform_digest(root, h.pcr_mask, d.platform, digest);
  if (memcmp(digest, h.platform_digest, sizeof digest) != 0) return kRcPlatform;
  if (!context::unseal(blob, h, g_plaintext)) return kRcTampered;
  switch (context::status(d.table, h.context_id)) {
    case context::Status::Cleared:
      return kRcCleared;
    case context::Status::Unknown:
      return kRcNoContext;
    case context::Status::Live:
      break;
  }
  const uint32_t committed = context::find(d.table, h.context_id)->committed;
  if (h.counter < committed) return kRcStale;
  if (h.counter > committed) return kRcUncommitted;
  return TPM_RC_SUCCESS;
}

MCTPM_COLD TPM_RC resume_action(Tpm& root, const Command& cmd, const BlobIn& in, IdOut& out) {
  RootData& d = data_of(cmd);
  if (in.size == 0) {
    // Back to the loaded context (after a trap, or after an EXIT that is
    // not to be committed): its committed counter holds again.
    if (d.slot == MCTPM_MGMT_SLOT_EMPTY) return kRcNoContext;
    const context::ContextEntry* e = context::find(d.table, d.context_id);
    if (e == nullptr) return kRcNoContext;
    d.slot = MCTPM_MGMT_SLOT_ACTIVE;
    d.counter = e->committed;
    hal::ring::arm_enter();
    out.id = d.context_id;
    return TPM_RC_SUCCESS;
  }
  if (!d.virtualization) return kRcVirtOff;
  if (d.slot != MCTPM_MGMT_SLOT_EMPTY) return kRcBusy;
  context::BlobHeader h;
  TPM_RC rc = check_blob(root, d, in.data, in.size, h);
  if (rc != TPM_RC_SUCCESS) {
    wipe_plaintext(sizeof g_plaintext);  // rare: no need to know how far it got
    return rc;
  }
  // Verified: only now does anything of it reach the context region, which
  // is zero (slot EMPTY: scrubbed at boot, COMMIT, CLEAR, a failed RESUME).
  Tpm& ctx = *cmd.chip->context;
  hal::ring::wait_scrubbed();
  const bool private_pcrs = (h.flags & MCTPM_BLOB_FLAG_PRIVATE_PCRS) != 0;
  const bool ok = context::tpmcs_deserialize(ctx, g_plaintext, h.ct_len, &root) &&
                  (ctx.role == kRolePrivateContext) == private_pcrs;
  wipe_plaintext(h.ct_len);
  if (!ok) {
    hal::ring::scrub();
    return kRcBlobFormat;
  }
  d.slot = MCTPM_MGMT_SLOT_ACTIVE;
  d.context_id = h.context_id;
  d.counter = h.counter;
  d.pcr_model = private_pcrs ? MCTPM_MGMT_PCR_MODEL_PRIVATE : MCTPM_MGMT_PCR_MODEL_SHARED;
  hal::ring::arm_enter();
  out.id = h.context_id;
  return TPM_RC_SUCCESS;
}

// ---- CLEAR ----
MCTPM_COLD TPM_RC clear_action(Tpm&, const Command& cmd, const U32In& in, Empty&) {
  RootData& d = data_of(cmd);
  switch (context::status(d.table, in.value)) {
    case context::Status::Unknown:
      return kRcNoContext;
    case context::Status::Cleared:
      return kRcCleared;
    case context::Status::Live:
      break;
  }
  if (!context::record_clear(d.table, in.value)) return kRcNv;
  if (d.slot != MCTPM_MGMT_SLOT_EMPTY && d.context_id == in.value) unload(d);
  return TPM_RC_SUCCESS;
}

// ---- GET_STATE / GET_CONTEXT ----
struct StateOut {
  const RootData* d;
  bool cr0;
  uint32_t trap_count;
  uint32_t denied_count;
  uint8_t device_id[context::kDeviceIdSize];
};

MCTPM_COLD TPM_RC get_state_action(Tpm&, const Command& cmd, const Empty&, StateOut& out) {
  out.d = &data_of(cmd);
  out.cr0 = hal::ring::in_ring1();
  out.trap_count = hal::ring::trap_count();
  out.denied_count = hal::ring::denied_count();
  alignas(4) uint8_t id[context::kDeviceIdSize];
  if (!hal::seal::device_id(id)) memset(id, 0, sizeof id);
  memcpy(out.device_id, id, sizeof id);
  return TPM_RC_SUCCESS;
}

MCTPM_COLD void marshal_state(Writer& w, const StateOut& out) {
  const RootData& d = *out.d;
  w.u8(d.virtualization);
  w.u8(out.cr0 ? 1 : 0);
  w.u8(d.slot);
  w.u8(d.pcr_model);
  w.u32(d.context_id);
  w.u32(d.counter);
  w.u32(d.pcr_mask);
  w.u32(out.trap_count);
  w.u32(out.denied_count);
  w.u32(d.table.live);
  w.u32(d.table.next_id);
  w.bytes(out.device_id, sizeof out.device_id);
}

struct ContextOut {
  uint8_t status;
  uint32_t committed;
};

MCTPM_COLD TPM_RC get_context_action(Tpm&, const Command& cmd, const U32In& in, ContextOut& out) {
  const context::ContextTable& t = data_of(cmd).table;
  out.status = static_cast<uint8_t>(context::status(t, in.value));
  const context::ContextEntry* e = context::find(t, in.value);
  out.committed = e != nullptr ? e->committed : 0;
  return TPM_RC_SUCCESS;
}

void marshal_context(Writer& w, const ContextOut& out) {
  w.u8(out.status);
  w.u32(out.committed);
}

}  // namespace

TPM_RC cmd_mgmt_xon(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<U32In, Empty, unmarshal_pcr_mask, xon_action, marshal_empty>(tpm, cmd, w);
}

TPM_RC cmd_mgmt_xoff(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, Empty, unmarshal_empty, xoff_action, marshal_empty>(tpm, cmd, w);
}

TPM_RC cmd_mgmt_launch(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<ModelIn, IdOut, unmarshal_model, launch_action, marshal_id>(tpm, cmd, w);
}

// EXIT seals straight into the response: the blob never sits in a second buffer.
MCTPM_COLD TPM_RC cmd_mgmt_exit(Tpm& root, Command& cmd, Writer& w) {
  if (cmd.params.remaining() != 0) return TPM_RC_SIZE;
  RootData& d = data_of(cmd);
  if (d.slot == MCTPM_MGMT_SLOT_EMPTY) return kRcNoContext;
  const context::ContextEntry* e = context::find(d.table, d.context_id);
  if (e == nullptr) return kRcNoContext;
  if (e->committed == UINT32_MAX) return TPM_RC_FAILURE;  // no next counter
  context::BlobHeader h;
  alignas(4) uint8_t id[context::kDeviceIdSize];
  if (!hal::seal::device_id(id)) return kRcNoSecret;
  memcpy(h.device_id, id, sizeof id);
  if (!random_fill(root, h.nonce, sizeof h.nonce)) return TPM_RC_FAILURE;
  const Tpm& ctx = *cmd.chip->context;
  const size_t len = context::tpmcs_serialize(ctx, g_plaintext, sizeof g_plaintext);
  if (len == 0) {
    wipe_plaintext(sizeof g_plaintext);
    return kRcTooLarge;
  }
  h.flags = ctx.role == kRolePrivateContext ? MCTPM_BLOB_FLAG_PRIVATE_PCRS : 0;
  h.context_id = d.context_id;
  h.counter = e->committed + 1;
  h.pcr_mask = d.pcr_mask;
  context::platform_digest(root, h.pcr_mask, d.platform, h.platform_digest);
  const size_t blob_len = context::kBlobHeaderSize + len + context::kBlobMacSize;
  w.u16(static_cast<uint16_t>(blob_len));
  uint8_t* blob = w.claim(blob_len);
  const size_t sealed = blob != nullptr ? context::seal(h, g_plaintext, len, blob) : 0;
  wipe_plaintext(len);
  if (blob == nullptr) return TPM_RC_MEMORY;
  if (sealed == 0) return kRcNoSecret;
  d.slot = MCTPM_MGMT_SLOT_PARKED;
  d.counter = h.counter;
  return TPM_RC_SUCCESS;
}

TPM_RC cmd_mgmt_commit(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, Empty, unmarshal_empty, commit_action, marshal_empty>(tpm, cmd, w);
}

TPM_RC cmd_mgmt_resume(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<BlobIn, IdOut, unmarshal_blob, resume_action, marshal_id>(tpm, cmd, w);
}

TPM_RC cmd_mgmt_clear(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<U32In, Empty, unmarshal_u32, clear_action, marshal_empty>(tpm, cmd, w);
}

TPM_RC cmd_mgmt_get_state(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, StateOut, unmarshal_empty, get_state_action, marshal_state>(tpm, cmd, w);
}

TPM_RC cmd_mgmt_get_context(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<U32In, ContextOut, unmarshal_u32, get_context_action, marshal_context>(tpm, cmd,
                                                                                           w);
}

MCTPM_COLD BootReport chip_boot(Chip& chip) {
  Root& root = *chip.root;
  BootReport r;
  // The hardware scrubs CTX after reset; scrubbing again waits for it to be
  // over before anything can touch the region.
  hal::ring::scrub();
  init(root.tpm);
  r.nv = nv_state::load(root.tpm);
  memset(&root.data, 0, sizeof root.data);
  root.data.slot = MCTPM_MGMT_SLOT_EMPTY;
  root.data.pcr_mask = MCTPM_MGMT_DEFAULT_PCR_MASK;
  r.log = context::load(root.data.table);
  return r;
}

}  // namespace tpm
