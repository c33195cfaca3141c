#include "mctpm/error.h"

namespace mctpm {

const char* kind_name(Error::Kind kind) {
  switch (kind) {
    case Error::Kind::Io: return "I/O error";
    case Error::Kind::Timeout: return "timeout";
    case Error::Kind::Protocol: return "protocol error";
    case Error::Kind::Device: return "device error";
    case Error::Kind::Usage: return "usage error";
  }
  return "error";
}

}  // namespace mctpm
