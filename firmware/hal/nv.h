// Non-volatile storage: NOR flash semantics, whatever is behind it (the SoC:
// SPI NOR flash through rtl/spi_flash; host tests: an array in memory).
//
// - Erase works on whole sectors of kNvSectorSize bytes and sets them to 0xFF.
// - Program can only clear bits: the result is old & new. Program an erased
//   range to store data.
// - Offsets are bytes from the start of the device, 0 .. nv_size() - 1.
// Every call returns false, changing nothing it need not, on a range outside
// the device, a misaligned erase, a flash that does not answer or does not
// finish in time, or a program that did not take. Calls block until done.
#ifndef MCTPM_HAL_NV_H
#define MCTPM_HAL_NV_H

#include <stddef.h>
#include <stdint.h>

namespace hal {
constexpr uint32_t kNvSectorSize = 4096;

bool nv_read(uint32_t offset, uint8_t* dst, size_t n);
// offset must be a multiple of kNvSectorSize.
bool nv_erase_sector(uint32_t offset);
bool nv_program(uint32_t offset, const uint8_t* src, size_t n);
// Bytes in the device; 0 when no usable flash answers.
uint32_t nv_size();
}  // namespace hal

#endif
