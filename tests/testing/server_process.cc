#include "tests/testing/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace tsforecast::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<char*> CArgs(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (std::string& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string BuildBinary(const std::string& name) {
  const char* dir = std::getenv("TSF_BUILD_DIR");
  return std::string(dir ? dir : ".") + "/" + name;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) StopWith(SIGKILL);
}

std::string ServerProcess::address() const {
  return "127.0.0.1:" + std::to_string(port_);
}

bool ServerProcess::Start(const std::string& data_dir,
                          const std::vector<std::string>& extra_args,
                          std::string* error) {
  port_file_ = data_dir + ".port";
  unlink(port_file_.c_str());
  std::vector<std::string> args = {BuildBinary("tsforecastd"),
                                   "--listen=127.0.0.1:0",
                                   "--data_dir=" + data_dir,
                                   "--port_file=" + port_file_,
                                   "--quiet",
                                   "--http_port=0",
                                   "--backup_root=" + data_dir + ".backups"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const std::string log = log_path_.empty() ? data_dir + ".log" : log_path_;
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    if (fd_limit_ != 0) {
      const struct rlimit limit = {fd_limit_, fd_limit_};
      if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(126);
    }
    std::vector<char*> cargs = CArgs(args);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *error = "server exited early: " + ReadFile(log);
      return false;
    }
    // "GRPC_PORT\nHTTP_PORT\n", written atomically.
    const std::string ports = ReadFile(port_file_);
    if (!ports.empty() && ports.back() == '\n') {
      port_ = std::stoi(ports);
      http_port_ = std::stoi(ports.substr(ports.find('\n') + 1));
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  *error = "server did not report a port within 30 s: " + ReadFile(log);
  StopWith(SIGKILL);
  return false;
}

bool ServerProcess::Alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    exit_status_ = status;
    return false;
  }
  return true;
}

void ServerProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int ServerProcess::StopWith(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::string& stdin_text) {
  char in_path[] = "/tmp/tsf-cmd-in-XXXXXX";
  char out_path[] = "/tmp/tsf-cmd-out-XXXXXX";
  char err_path[] = "/tmp/tsf-cmd-err-XXXXXX";
  const int in_fd = mkstemp(in_path);
  const int out_fd = mkstemp(out_path);
  const int err_fd = mkstemp(err_path);
  if (write(in_fd, stdin_text.data(), stdin_text.size()) < 0) return {};
  lseek(in_fd, 0, SEEK_SET);
  CommandResult result;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    std::vector<std::string> args = argv;
    std::vector<char*> cargs = CArgs(args);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  for (const char* p : {in_path, out_path, err_path}) unlink(p);
  close(in_fd);
  close(out_fd);
  close(err_fd);
  return result;
}

}  // namespace tsforecast::testing
