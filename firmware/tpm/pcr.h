// PCR banks of one context: attributes per the TCG PC Client Platform TPM
// Profile (localities allowed to extend and reset each PCR), initial values
// and the extend/reset primitives the PCR and Startup commands share.
#ifndef MCTPM_TPM_PCR_H
#define MCTPM_TPM_PCR_H

#include <stdint.h>

#include "tpm/tpm.h"

namespace tpm {

struct PcrAttributes {
  uint8_t reset_localities;   // bit n: PCR_Reset allowed from locality n
  uint8_t extend_localities;  // bit n: PCR_Extend/PCR_Event allowed from locality n
  bool state_saved;           // kept across Shutdown(STATE)/Startup(STATE)
  bool no_increment;          // changes do not bump pcrUpdateCounter
  bool drtm;                  // reset by a D-RTM event; starts as all 0xFF
};

const PcrAttributes& pcr_attributes(unsigned pcr);
// The profile's locality rules, and in a 'shared' context no write to
// PCRs 0-15 (they are the platform's): PCR_Extend/Event/Reset answer
// TPM_RC_LOCALITY for them, as for any PCR the locality may not change.
bool pcr_extend_allowed(const Tpm& tpm, unsigned pcr, uint8_t locality);
bool pcr_reset_allowed(const Tpm& tpm, unsigned pcr, uint8_t locality);

// Value of PCR `pcr` in bank `alg` (an implemented hash), hash_digest_size(alg)
// bytes: in a 'shared' context PCRs 0-15 come from the root TPM.
const uint8_t* pcr_value(const Tpm& tpm, TPM_ALG_ID alg, unsigned pcr);
// The TPM's own storage of a PCR (what extend and reset change).
uint8_t* pcr_storage(Tpm& tpm, TPM_ALG_ID alg, unsigned pcr);
// pcrUpdateCounter as commands see it. A 'shared' context adds the
// platform's counter to its own, so a change of either (PolicyPCR's
// check) changes it and it never goes back while both only count up.
uint32_t pcr_update_counter(const Tpm& tpm);
// Initial values (TPM Reset / Restart): 0, except the D-RTM PCRs.
void pcr_init_all(Tpm& tpm);
// PCR[pcr] = H(PCR[pcr] || digest) in bank alg.
void pcr_extend(Tpm& tpm, TPM_ALG_ID alg, unsigned pcr, const uint8_t* digest);
// Bumps pcrUpdateCounter unless the PCR is in the no-increment group.
void pcr_changed(Tpm& tpm, unsigned pcr);

}  // namespace tpm

#endif
