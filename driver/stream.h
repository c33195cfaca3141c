// A byte stream to one client. The endpoint sessions read and write through
// it, so their framing is testable with in-memory streams.
#ifndef MCTPMD_STREAM_H
#define MCTPMD_STREAM_H

#include <cstddef>
#include <cstdint>

namespace mctpmd {

class Stream {
 public:
  virtual ~Stream() = default;
  // Reads until n bytes arrived or the peer closed; returns the bytes read.
  virtual size_t read(uint8_t* p, size_t n) = 0;
  // Writes all n bytes or throws mctpm::Error (Io).
  virtual void write(const uint8_t* p, size_t n) = 0;
};

// Start of a message: false if the peer closed cleanly before its first byte;
// throws mctpm::Error (Protocol) if it closed part way.
bool read_message_start(Stream& s, uint8_t* p, size_t n, const char* what);
// Rest of a message: throws mctpm::Error (Protocol) if the peer closed early.
void read_message_rest(Stream& s, uint8_t* p, size_t n, const char* what);

}  // namespace mctpmd

#endif
