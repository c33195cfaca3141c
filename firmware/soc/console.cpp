#include "soc/console.h"
#include "soc/mmio.h"

namespace soc {
void console_write(const char* s) {
  while (*s) write32(MCTPM_SYSCTL_BASE + MCTPM_SYSCTL_SIM_CONSOLE, uint8_t(*s++));
}
void console_hex32(unsigned v) {
  char buf[9];
  for (int i = 7; i >= 0; --i, v >>= 4) buf[i] = "0123456789abcdef"[v & 15];
  buf[8] = 0;
  console_write(buf);
}
}  // namespace soc
