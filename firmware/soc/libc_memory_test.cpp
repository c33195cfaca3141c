// Host test of soc/libc_memory.cpp: the firmware's memcpy, memset and memcmp
// (built here as fw_memcpy, ...) against the host C library, for every
// source/destination alignment and lengths 0..99. Exits non-zero on a mismatch.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern "C" void* fw_memcpy(void*, const void*, size_t);
extern "C" void* fw_memset(void*, int, size_t);
extern "C" int fw_memcmp(const void*, const void*, size_t);

namespace {
int sign(int x) { return (x > 0) - (x < 0); }
}  // namespace

int main() {
  alignas(8) uint8_t src[128], want[128], got[128];
  for (int i = 0; i < 128; ++i) src[i] = uint8_t(i * 7 + 3);
  int errors = 0;
  for (int so = 0; so < 4; ++so) {
    for (int dof = 0; dof < 4; ++dof) {
      for (int n = 0; n < 100; ++n) {
        // memcpy: the bytes around the destination stay untouched.
        memset(want, 0xAA, sizeof want);
        memset(got, 0xAA, sizeof got);
        memcpy(want + dof, src + so, n);
        if (fw_memcpy(got + dof, src + so, n) != got + dof || memcmp(want, got, sizeof want) != 0) {
          printf("memcpy src+%d dst+%d n=%d wrong\n", so, dof, n);
          ++errors;
        }
        memset(want, 0xAA, sizeof want);
        memset(got, 0xAA, sizeof got);
        memset(want + dof, 0x5A + so, n);
        if (fw_memset(got + dof, 0x5A + so, n) != got + dof || memcmp(want, got, sizeof want) != 0) {
          printf("memset dst+%d n=%d wrong\n", dof, n);
          ++errors;
        }
        // memcmp: equal, and one byte differing at each position, both ways.
        memcpy(got, src, sizeof got);
        for (int k = -1; k < n; ++k) {
          memcpy(want, src, sizeof want);
          if (k >= 0) want[so + k] = uint8_t(want[so + k] ^ ((k & 1) ? 0x80 : 0x01));
          if (sign(fw_memcmp(want + so, got + so, n)) != sign(memcmp(want + so, got + so, n)) ||
              sign(fw_memcmp(got + so, want + so, n)) != sign(memcmp(got + so, want + so, n)) ||
              sign(fw_memcmp(want + so, got + dof, n)) != sign(memcmp(want + so, got + dof, n))) {
            printf("memcmp a+%d b+%d n=%d k=%d wrong\n", so, dof, n, k);
            ++errors;
          }
        }
      }
    }
  }
  printf("%d errors\n", errors);
  return errors == 0 ? 0 : 1;
}
