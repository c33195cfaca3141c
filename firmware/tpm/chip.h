// The whole chip as the firmware sees it: the root TPM and the root data in
// the ROOT region, the active context's TPM in the CTX region, and the one
// entry point that routes a command to the management commands, the context
// or the root TPM by the ring it arrived in.
#ifndef MCTPM_TPM_CHIP_H
#define MCTPM_TPM_CHIP_H

#include <stddef.h>
#include <stdint.h>

#include "context/context_log.h"
#include "context/sealed_blob.h"
#include "management.h"
#include "soc_map.h"
#include "tpm/nv_state.h"
#include "tpm/tpm.h"

namespace tpm {

// Virtualization and slot state (spec/management.md); no secrets.
struct RootData {
  uint8_t virtualization;  // XON .. XOFF
  uint8_t slot;            // MCTPM_MGMT_SLOT_*
  uint8_t pcr_model;       // of the loaded context, MCTPM_MGMT_PCR_MODEL_*
  uint32_t pcr_mask;       // platform PCRs (SHA-256 bank) that bind blobs
  uint32_t context_id;     // the loaded context, 0: none
  uint32_t counter;        // ACTIVE: its committed counter; PARKED: the one its blob carries
  context::ContextTable table;
  context::PlatformDigestCache platform;  // of EXIT and RESUME
};

// The ROOT region: the root TPM first, so that its PCRs 0-15 (PcrBanks'
// first ROOT_SHARED_SIZE bytes) are the window ring 1 may read.
struct Root {
  Tpm tpm;
  RootData data;
};
static_assert(__builtin_offsetof(Root, tpm) == 0 && __builtin_offsetof(Tpm, pcrs) == 0,
              "the root TPM's PCRs must start the ROOT region");
static_assert(sizeof(Root) <= MCTPM_ROOT_SIZE, "root TPM and root data must fit the ROOT region");
static_assert(sizeof(Tpm) <= MCTPM_CTX_SIZE, "a context's TPM must fit the CTX region");

struct Chip {
  Root* root;    // ROOT region
  Tpm* context;  // CTX region: zero (scrubbed) unless a context is loaded
};

struct BootReport {
  nv_state::LoadResult nv;
  context::LoadResult log;
};
// Power-on: the root TPM from its flash record, root data defaults
// (virtualization off, slot EMPTY), the context table from its log. The CTX
// region is zero (hardware reset).
BootReport chip_boot(Chip& chip);

// Runs one command as the chip does: management codes (the MGMT page) go to
// the management commands, in ring 0 only; ordinary commands run on the
// context's TPM in ring 1 and on the root TPM in ring 0. Same contract as
// execute().
size_t execute_chip(Chip& chip, const CommandIn& in, uint8_t* rsp, size_t rsp_cap);

inline bool is_management_cc(uint32_t cc) {
  return (cc & MCTPM_MGMT_CC_PAGE_MASK) == MCTPM_MGMT_CC_PAGE;
}

}  // namespace tpm

#endif
