// Debug text to the simulator's console (ignored on boards).
#pragma once
namespace soc {
void console_write(const char* s);
void console_hex32(unsigned v);
}
