// Memory-mapped register access. Addresses come from the generated
// soc_map.h; nothing here names a raw address.
#pragma once
#include <stdint.h>
#include "soc_map.h"

namespace soc {
inline uint32_t read32(uint32_t addr) { return *reinterpret_cast<volatile uint32_t*>(addr); }
inline void write32(uint32_t addr, uint32_t v) { *reinterpret_cast<volatile uint32_t*>(addr) = v; }
}  // namespace soc
