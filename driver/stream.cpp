#include "stream.h"

#include <string>

#include "mctpm/error.h"

namespace mctpmd {

bool read_message_start(Stream& s, uint8_t* p, size_t n, const char* what) {
  const size_t got = s.read(p, n);
  if (got == 0) return false;
  if (got < n)
    throw mctpm::Error(mctpm::Error::Kind::Protocol, std::string("client closed after ") + std::to_string(got) +
                                                         " of " + std::to_string(n) + " bytes of " + what);
  return true;
}

void read_message_rest(Stream& s, uint8_t* p, size_t n, const char* what) {
  const size_t got = s.read(p, n);
  if (got < n)
    throw mctpm::Error(mctpm::Error::Kind::Protocol, std::string("client closed after ") + std::to_string(got) +
                                                         " of " + std::to_string(n) + " bytes of " + what);
}

}  // namespace mctpmd
