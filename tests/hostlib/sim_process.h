// Starts mctpm-sim (the Verilated chip) on a free loopback port for one test
// and stops it afterwards. The binary is MCTPM_SIM_PATH (set by CMake), or
// the MCTPM_SIM environment variable when set.
#ifndef MCTPM_TESTS_SIM_PROCESS_H
#define MCTPM_TESTS_SIM_PROCESS_H

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mctpm_test {

class SimProcess {
 public:
  SimProcess();  // throws std::runtime_error (with the simulator's output) if it does not come up
  // Extra command-line arguments, e.g. {"--fuses", F, "--flash", G}: two sims
  // with different fuses are different chips; one restarted on the same
  // files is the same chip after a power cycle. Without --flash the flash
  // file is private to this object.
  explicit SimProcess(std::vector<std::string> extra_args);
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  uint16_t port() const { return port_; }
  std::string log() const;  // what the simulator printed so far
  void restart();           // stops the process and starts it again with the same arguments and files

 private:
  void start();
  void stop();

  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string dir_;
  std::vector<std::string> extra_args_;
};

}  // namespace mctpm_test

#endif
