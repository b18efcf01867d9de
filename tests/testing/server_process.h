// Runs the real tsforecastd binary in a child process on 127.0.0.1 with an
// ephemeral port (reported through --port_file), and runs other binaries
// of the build (tsfctl) capturing their output.
#ifndef TSFORECAST_TESTS_TESTING_SERVER_PROCESS_H_
#define TSFORECAST_TESTS_TESTING_SERVER_PROCESS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace tsforecast::testing {

// Path of a binary in the build directory ($TSF_BUILD_DIR, set by ctest).
std::string BuildBinary(const std::string& name);

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();  // kills the child if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts tsforecastd with --data_dir, both ports ephemeral, and
  // `extra_args`; waits until it serves. False (with the reason in *error) on
  // failure.
  bool Start(const std::string& data_dir,
             const std::vector<std::string>& extra_args, std::string* error);
  // Where the server's output goes; default: next to the data dir.
  void set_log_path(std::string path) { log_path_ = std::move(path); }
  // Soft and hard RLIMIT_NOFILE of the server (0: inherited), as `ulimit
  // -n` before starting it would set.
  void set_fd_limit(uint64_t limit) { fd_limit_ = limit; }
  int port() const { return port_; }
  int http_port() const { return http_port_; }  // 0 when off
  std::string address() const;
  // Sends `signal` and waits; returns the raw wait status.
  int StopWith(int signal);
  bool running() const { return pid_ > 0; }
  int pid() const { return pid_; }
  // Whether the process is still there (false once it has exited or
  // crashed; the exit is reaped and its wait status kept).
  bool Alive();
  // The wait status Alive() reaped; -1 before.
  int exit_status() const { return exit_status_; }
  // Sends `signal` without waiting (SIGHUP to reload).
  void Signal(int signal);

 private:
  int pid_ = -1;
  int port_ = 0;
  int http_port_ = 0;
  std::string port_file_;
  std::string log_path_;
  uint64_t fd_limit_ = 0;
  int exit_status_ = -1;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv (argv[0] a path) with `stdin_text` on its standard input.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::string& stdin_text = "");

}  // namespace tsforecast::testing

#endif  // TSFORECAST_TESTS_TESTING_SERVER_PROCESS_H_
