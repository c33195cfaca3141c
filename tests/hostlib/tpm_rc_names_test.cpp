// Response code names: format 0, format 1 with handle/session/parameter numbers.
#include <gtest/gtest.h>

#include "mctpm/error.h"
#include "mctpm/tpm_rc.h"

namespace {

TEST(TpmRcNames, NamesFormatZeroFormatOneAndWarnings) {
  EXPECT_EQ(mctpm::rc_name(0x000), "TPM_RC_SUCCESS");
  EXPECT_EQ(mctpm::rc_name(0x100), "TPM_RC_INITIALIZE");
  EXPECT_EQ(mctpm::rc_name(0x101), "TPM_RC_FAILURE");
  EXPECT_EQ(mctpm::rc_name(0x922), "TPM_RC_RETRY");
  EXPECT_EQ(mctpm::rc_name(0x1C4), "TPM_RC_VALUE (parameter 1)");
  EXPECT_EQ(mctpm::rc_name(0x18B), "TPM_RC_HANDLE (handle 1)");
  EXPECT_EQ(mctpm::rc_name(0x98E), "TPM_RC_AUTH_FAIL (session 1)");
  EXPECT_EQ(mctpm::rc_name(0x08B), "TPM_RC_HANDLE");
  EXPECT_EQ(mctpm::rc_name(0x0001E), "TPM_RC_BAD_TAG");
  EXPECT_EQ(mctpm::rc_name(0xA0001), "unknown response code 0x000A0001");
}

TEST(TpmRcNames, ResponseCodeComesFromBytes6To9AndShortResponsesAreErrors) {
  EXPECT_EQ(mctpm::response_code({0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x09, 0x22}), 0x922u);
  EXPECT_THROW(mctpm::response_code({0x80, 0x01, 0, 0}), mctpm::Error);
}

}  // namespace
