// Host implementation of firmware/hal/ for the firmware unit tests (OpenSSL
// for the hash compressions and entropy, steady_clock for cycles), plus the
// knobs the tests turn.
#ifndef MCTPM_TESTS_FIRMWARE_HOST_HAL_H
#define MCTPM_TESTS_FIRMWARE_HOST_HAL_H

#include <cstdint>

namespace host_hal {
// Makes hal::entropy_read report a failed health test.
void set_entropy_failure(bool failed);
// Moves hal::cycles() forward, so clock tests need not wait.
void advance_cycles(uint64_t n);
}  // namespace host_hal

#endif
