// Names for TPM 2.0 response codes, for humans reading logs and CLI output.
#ifndef MCTPM_TPM_RC_H
#define MCTPM_TPM_RC_H

#include <cstdint>
#include <string>
#include <vector>

namespace mctpm {

// "TPM_RC_SUCCESS", "TPM_RC_VALUE (parameter 1)", "TPM_RC_RETRY", ...;
// codes without a name come back as "unknown response code 0x...".
// mctpm's vendor codes (spec/management.def) are named "MGMT_RC_STALE" etc.
std::string rc_name(uint32_t rc);

// What a vendor code means ("counter older than the committed one"); empty
// for every other code.
std::string rc_meaning(uint32_t rc);

// rc_name plus, for vendor codes, the meaning in parentheses:
// "MGMT_RC_STALE (counter older than the committed one)".
std::string rc_description(uint32_t rc);

// The response code field of a TPM response (bytes 6..9); throws Error if the
// response is shorter than its header.
uint32_t response_code(const std::vector<uint8_t>& response);

}  // namespace mctpm

#endif
