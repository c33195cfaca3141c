// The one exception type of libmctpm: what went wrong, and of which kind, so
// callers can tell a broken connection from a slow or misbehaving device.
#ifndef MCTPM_ERROR_H
#define MCTPM_ERROR_H

#include <stdexcept>
#include <string>

namespace mctpm {

class Error : public std::runtime_error {
 public:
  enum class Kind {
    Io,        // the connection to the device or a client failed
    Timeout,   // the device did not reach a state in time (PTP timeouts, wait states)
    Protocol,  // bytes or register states that the protocol does not allow
    Device,    // the device (or simulator) reported an error
    Usage,     // bad argument from the caller (URI, locality, size)
  };

  Error(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

const char* kind_name(Error::Kind kind);

}  // namespace mctpm

#endif
