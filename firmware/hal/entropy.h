// Raw entropy from the noise source. Not full-entropy: callers condition it.
#ifndef MCTPM_HAL_ENTROPY_H
#define MCTPM_HAL_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

namespace hal {
// Fills out[0..n). Returns false if the noise source failed its health test.
bool entropy_read(uint8_t* out, size_t n);
}  // namespace hal

#endif
