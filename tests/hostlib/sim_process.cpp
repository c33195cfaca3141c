#include "sim_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mctpm_test {

namespace {

std::string sim_path() {
  if (const char* env = std::getenv("MCTPM_SIM")) return env;
  return MCTPM_SIM_PATH;
}

}  // namespace

SimProcess::SimProcess() : SimProcess(std::vector<std::string>{}) {}

SimProcess::SimProcess(std::vector<std::string> extra_args) : extra_args_(std::move(extra_args)) {
  char templ[] = "/tmp/mctpm-sim-test-XXXXXX";
  if (::mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  try {
    start();
  } catch (...) {
    stop();
    throw;
  }
}

void SimProcess::start() {
  // A private flash file: each test starts from erased NV storage, and
  // parallel tests do not share one.
  const std::string port_file = dir_ + "/port", log_file = dir_ + "/sim.log", flash_file = dir_ + "/flash.bin",
                    exe = sim_path();
  if (::access(exe.c_str(), X_OK) != 0) throw std::runtime_error("mctpm-sim not found at '" + exe + "'");

  std::vector<std::string> args = {exe, "--port", "0", "--port-file", port_file};
  bool has_flash = false;
  for (const auto& a : extra_args_) has_flash = has_flash || a == "--flash";
  if (!has_flash) args.insert(args.end(), {"--flash", flash_file});
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(&a[0]);
  argv.push_back(nullptr);
  std::remove(port_file.c_str());

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  // The simulator writes "PORT\n" once the firmware has booted.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  for (;;) {
    std::ifstream f(port_file);
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (!text.empty() && text.back() == '\n') {
      port_ = uint16_t(std::stoul(text));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("mctpm-sim exited before listening:\n" + log());
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("mctpm-sim did not start within 180 s:\n" + log());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void SimProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::remove((dir_ + "/port").c_str());
  std::remove((dir_ + "/sim.log").c_str());
  std::remove((dir_ + "/flash.bin").c_str());
  ::rmdir(dir_.c_str());
}

SimProcess::~SimProcess() { stop(); }

void SimProcess::restart() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  start();
}

std::string SimProcess::log() const {
  std::ifstream f(dir_ + "/sim.log");
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace mctpm_test
