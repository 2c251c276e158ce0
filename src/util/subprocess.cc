#include "util/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/file_util.h"

namespace simshard {
namespace {

// Reads both pipes to their end at once, so a child that fills one while we wait on the
// other cannot stall.
void DrainPipes(int out_fd, int err_fd, ProgramOutput* result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result->out, &result->err};
  int open = 2;
  char buf[4096];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, n);
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
}

}  // namespace

Result<ProgramOutput> RunProgram(const std::vector<std::string>& argv) {
  if (argv.empty()) return Status::InvalidArgument("no program to run");
  int out_pipe[2], err_pipe[2], exec_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0 || ::pipe2(exec_pipe, O_CLOEXEC) != 0)
    return PosixError(std::string("cannot run ") + argv[0]);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return PosixError(std::string("cannot run ") + argv[0]);
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], exec_pipe[0]}) ::close(fd);
    ::execvp(args[0], args.data());
    const int error = errno;  // tell the parent why, through the close-on-exec pipe
    (void)!::write(exec_pipe[1], &error, sizeof error);
    ::_exit(127);
  }
  for (int fd : {out_pipe[1], err_pipe[1], exec_pipe[1]}) ::close(fd);
  int exec_error = 0;
  const bool exec_failed = ::read(exec_pipe[0], &exec_error, sizeof exec_error) == sizeof exec_error;
  ::close(exec_pipe[0]);
  ProgramOutput result;
  DrainPipes(out_pipe[0], err_pipe[0], &result);
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (exec_failed)
    return Status::IOError(std::string("cannot run ") + argv[0] + ": " + std::strerror(exec_error));
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace simshard
