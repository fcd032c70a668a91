/* Linux's own fork() of a process with N MiB touched: the baseline of fork_1gib_ratio_vs_linux.
 * Prints the median wall time of fork() in the parent, in microseconds, over `runs` forks.
 * usage: linux_fork <mib> <runs> */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? strtoul(argv[1], 0, 10) : 1024;
  int runs = argc > 2 ? atoi(argv[2]) : 9;
  size_t len = mib << 20;
  char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  /* Touch every page so the kernel has a page-table entry for each: what fork must copy. */
  for (size_t i = 0; i < len; i += 4096) p[i] = (char)i;
  double *t = calloc(runs, sizeof *t);
  for (int r = 0; r < runs; r++) {
    double t0 = now_us();
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    t[r] = now_us() - t0;
    if (pid < 0) { perror("fork"); return 1; }
    waitpid(pid, 0, 0);
  }
  qsort(t, runs, sizeof *t, cmp);
  printf("%.1f\n", t[runs / 2]);
  return 0;
}
