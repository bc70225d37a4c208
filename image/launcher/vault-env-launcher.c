/*
 * vault-env-launcher: sets environment variables from files the vault-injector agent rendered,
 * then execve()s the container's original command. Same PID, argv unchanged, no signal handlers,
 * no child process: signals and the exit code belong to the program. Design and security model:
 * docs/env-vars.md. Built static (gcc -static -Os) so it runs in images with no shell and no libc.
 *
 *   vault-env-launcher [--record STATE_FILE] DIR NAME... -- PROGRAM [ARG...]
 *       For each NAME, reads DIR/NAME (the value, byte for byte) and sets NAME to it. With
 *       --record, first copies DIR/.generation (or "none") to STATE_FILE. PROGRAM is looked up
 *       on the original PATH when it has no '/'.
 *   vault-env-launcher --probe DIR STATE_FILE
 *       Liveness check: exit 0 while DIR/.generation equals STATE_FILE, else 1.
 *   vault-env-launcher --install DEST
 *       Copies this binary to DEST (0755) through a temporary file and a rename, so the agent
 *       image needs no cp and a probe running the old copy never sees a half-written file.
 *
 * Values are never printed. Exit codes: 125 refused to start, 126 program not executable,
 * 127 program not found; otherwise the program's own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_REFUSED 125
#define EXIT_NOEXEC 126
#define EXIT_NOTFOUND 127
/* Linux limits one argv/envp string to MAX_ARG_STRLEN (32 pages = 128 KiB, NUL included). */
#define MAX_ENV_STRING (128 * 1024)
#define MAX_TOTAL (1024 * 1024)
#define MAX_NAMES 256
#define MAX_NAME_LENGTH 255
#define MAX_GENERATION 128
#define GENERATION_FILE ".generation"
#define MAX_SELF_SIZE (16 * 1024 * 1024)
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

extern char **environ;

static void fail(int code, const char *format, ...) __attribute__((format(printf, 2, 3), noreturn));

static void fail(int code, const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("vault-env-launcher: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(code);
}

static int valid_name(const char *name) {
  size_t length = strlen(name);
  if (length == 0 || length > MAX_NAME_LENGTH) return 0;
  if (!(name[0] == '_' || (name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z'))) return 0;
  for (size_t i = 1; i < length; i++) {
    char c = name[i];
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return 0;
  }
  return 1;
}

/* The directory must be a real directory (not a symlink) that others cannot write to. */
static int open_directory(const char *dir) {
  if (dir[0] != '/') fail(EXIT_REFUSED, "%s: the directory must be an absolute path", dir);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail(EXIT_REFUSED, "%s: cannot open directory: %s", dir, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) fail(EXIT_REFUSED, "%s: cannot stat: %s", dir, strerror(errno));
  if (st.st_mode & S_IWOTH) fail(EXIT_REFUSED, "%s: refusing a world-writable directory (mode %04o)", dir, st.st_mode & 07777);
  return fd;
}

/*
 * Reads DIR/NAME into a NUL-terminated buffer of at most `limit` bytes (content only). `strict`
 * applies the value rules: a regular file, no symlink, not writable by group, nothing for others.
 * Returns NULL with errno ENOENT when `missing_ok` and the file does not exist.
 */
static char *read_file(int dirfd, const char *dir, const char *name, size_t limit, int missing_ok, size_t *length) {
  int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT && missing_ok) return NULL;
    if (errno == ELOOP) fail(EXIT_REFUSED, "%s/%s: refusing a symbolic link", dir, name);
    fail(EXIT_REFUSED, "%s/%s: cannot open: %s", dir, name, strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) fail(EXIT_REFUSED, "%s/%s: cannot stat: %s", dir, name, strerror(errno));
  if (!S_ISREG(st.st_mode)) fail(EXIT_REFUSED, "%s/%s: not a regular file", dir, name);
  if (st.st_mode & (S_IWGRP | S_IRWXO)) {
    fail(EXIT_REFUSED, "%s/%s: refusing mode %04o: group-writable or accessible by others (the agent writes 0440)", dir, name,
         st.st_mode & 07777);
  }
  if ((unsigned long long)st.st_size > limit) fail(EXIT_REFUSED, "%s/%s: too large (%lld bytes, limit %zu)", dir, name, (long long)st.st_size, limit);
  char *buffer = malloc(limit + 2);
  if (buffer == NULL) fail(EXIT_REFUSED, "out of memory");
  size_t used = 0;
  /* Read one byte past the limit: a file that grew after fstat is still caught. */
  while (used <= limit) {
    ssize_t n = read(fd, buffer + used, limit + 1 - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(EXIT_REFUSED, "%s/%s: cannot read: %s", dir, name, strerror(errno));
    }
    if (n == 0) break;
    used += (size_t)n;
  }
  close(fd);
  if (used > limit) fail(EXIT_REFUSED, "%s/%s: too large (limit %zu bytes)", dir, name, limit);
  if (memchr(buffer, '\0', used) != NULL) fail(EXIT_REFUSED, "%s/%s: contains a NUL byte, which no environment variable can hold", dir, name);
  buffer[used] = '\0';
  *length = used;
  return buffer;
}

static char *read_generation(int dirfd, const char *dir) {
  size_t length = 0;
  char *value = read_file(dirfd, dir, GENERATION_FILE, MAX_GENERATION, 1, &length);
  return value == NULL ? strdup("none") : value;
}

static void record_generation(const char *state_file, const char *generation) {
  int fd = open(state_file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) fail(EXIT_REFUSED, "%s: cannot record the generation: %s", state_file, strerror(errno));
  size_t length = strlen(generation);
  if (write(fd, generation, length) != (ssize_t)length || close(fd) != 0) {
    fail(EXIT_REFUSED, "%s: cannot record the generation: %s", state_file, strerror(errno));
  }
}

static int probe(const char *dir, const char *state_file) {
  int dirfd = open_directory(dir);
  char *current = read_generation(dirfd, dir);
  char recorded[MAX_GENERATION + 1];
  int fd = open(state_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "vault-env-launcher: %s: no recorded generation: %s\n", state_file, strerror(errno));
    return 1;
  }
  ssize_t n = read(fd, recorded, MAX_GENERATION);
  close(fd);
  if (n < 0) {
    fprintf(stderr, "vault-env-launcher: %s: cannot read: %s\n", state_file, strerror(errno));
    return 1;
  }
  recorded[n] = '\0';
  if (strcmp(recorded, current) == 0) return 0;
  /* Generations are opaque tokens written by the agent, not values. */
  fprintf(stderr, "vault-env-launcher: values in %s changed since this container started (generation %s, started with %s); restart\n", dir, current,
          recorded);
  return 1;
}

static int install(const char *dest) {
  if (dest[0] != '/') fail(EXIT_REFUSED, "%s: the destination must be an absolute path", dest);
  int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (in < 0) fail(EXIT_REFUSED, "/proc/self/exe: cannot open: %s", strerror(errno));
  size_t length = strlen(dest);
  char *temporary = malloc(length + 6);
  if (temporary == NULL) fail(EXIT_REFUSED, "out of memory");
  memcpy(temporary, dest, length);
  memcpy(temporary + length, ".tmp~", 6);
  unlink(temporary);
  int out = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755);
  if (out < 0) fail(EXIT_REFUSED, "%s: cannot create: %s", temporary, strerror(errno));
  char buffer[65536];
  size_t total = 0;
  for (;;) {
    ssize_t n = read(in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(EXIT_REFUSED, "/proc/self/exe: cannot read: %s", strerror(errno));
    if (n == 0) break;
    total += (size_t)n;
    if (total > MAX_SELF_SIZE) fail(EXIT_REFUSED, "/proc/self/exe: larger than %d bytes", MAX_SELF_SIZE);
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(out, buffer + done, (size_t)(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) fail(EXIT_REFUSED, "%s: cannot write: %s", temporary, strerror(errno));
      done += w;
    }
  }
  if (fchmod(out, 0755) != 0 || fsync(out) != 0 || close(out) != 0) fail(EXIT_REFUSED, "%s: cannot finish: %s", temporary, strerror(errno));
  close(in);
  if (rename(temporary, dest) != 0) fail(EXIT_REFUSED, "%s: cannot rename to %s: %s", temporary, dest, strerror(errno));
  return 0;
}

/* Resolves PROGRAM like execvp, on the PATH the container started with (before any value is set). */
static char *resolve(const char *program) {
  if (program[0] == '\0') fail(EXIT_NOTFOUND, "empty program name after --");
  if (strchr(program, '/') != NULL) return strdup(program);
  const char *path = getenv("PATH");
  if (path == NULL) path = DEFAULT_PATH;
  size_t program_length = strlen(program);
  int denied = 0;
  for (const char *start = path;; ) {
    const char *end = strchr(start, ':');
    size_t length = end == NULL ? strlen(start) : (size_t)(end - start);
    const char *prefix = length == 0 ? "." : start;
    size_t prefix_length = length == 0 ? 1 : length;
    char *candidate = malloc(prefix_length + program_length + 2);
    if (candidate == NULL) fail(EXIT_REFUSED, "out of memory");
    memcpy(candidate, prefix, prefix_length);
    candidate[prefix_length] = '/';
    memcpy(candidate + prefix_length + 1, program, program_length + 1);
    struct stat st;
    if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
      if (access(candidate, X_OK) == 0) return candidate;
      denied = 1;
    }
    free(candidate);
    if (end == NULL) break;
    start = end + 1;
  }
  if (denied) fail(EXIT_NOEXEC, "%s: found on PATH but not executable", program);
  fail(EXIT_NOTFOUND, "%s: not found on PATH (%s)", program, path);
}

static void usage(void) {
  fail(EXIT_REFUSED,
       "usage: vault-env-launcher [--record STATE_FILE] DIR NAME... -- PROGRAM [ARG...]\n"
       "       vault-env-launcher --probe DIR STATE_FILE\n"
       "       vault-env-launcher --install DEST");
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--probe") == 0) return probe(argv[2], argv[3]);
  if (argc == 3 && strcmp(argv[1], "--install") == 0) return install(argv[2]);
  int index = 1;
  const char *state_file = NULL;
  if (index < argc && strcmp(argv[index], "--record") == 0) {
    if (index + 1 >= argc) usage();
    state_file = argv[index + 1];
    index += 2;
  }
  if (index >= argc || strcmp(argv[index], "--") == 0) usage();
  const char *dir = argv[index++];
  int first_name = index;
  while (index < argc && strcmp(argv[index], "--") != 0) {
    if (!valid_name(argv[index])) fail(EXIT_REFUSED, "invalid variable name \"%s\" (letters, digits and _, not starting with a digit)", argv[index]);
    index++;
  }
  int name_count = index - first_name;
  if (index >= argc || index + 1 >= argc) usage();
  if (name_count > MAX_NAMES) fail(EXIT_REFUSED, "too many variables (%d, limit %d)", name_count, MAX_NAMES);
  char **program_argv = &argv[index + 1];
  char *program = resolve(program_argv[0]);

  int dirfd = open_directory(dir);
  if (state_file != NULL) {
    /* The generation is read before any value: a change racing with the start costs one extra restart, never a missed one. */
    char *generation = read_generation(dirfd, dir);
    record_generation(state_file, generation);
    free(generation);
  }
  size_t total = 0;
  for (int i = first_name; i < first_name + name_count; i++) {
    const char *name = argv[i];
    size_t length = 0;
    /* "NAME=value\0" must fit in one execve string. */
    char *value = read_file(dirfd, dir, name, MAX_ENV_STRING - strlen(name) - 2, 0, &length);
    total += length;
    if (total > MAX_TOTAL) fail(EXIT_REFUSED, "%s/%s: the values add up to more than %d bytes", dir, name, MAX_TOTAL);
    if (setenv(name, value, 1) != 0) fail(EXIT_REFUSED, "%s/%s: cannot set the variable: %s", dir, name, strerror(errno));
    explicit_bzero(value, length);
    free(value);
  }
  close(dirfd);
  execve(program, program_argv, environ);
  int error = errno;
  fail(error == ENOENT || error == ENOTDIR ? EXIT_NOTFOUND : EXIT_NOEXEC, "%s: cannot execute: %s", program, strerror(error));
}
