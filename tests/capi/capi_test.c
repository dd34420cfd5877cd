/* The C API (include/npeps/npeps.h) from C: solves a small task, reports
 * invalid input as NULL plus a message, and cancels a running search from
 * another thread. Compiled as C11; run by ctest (CApi.*) against the build
 * tree's libnpeps and, by tests/install, against an installed tree.
 *
 *   capi_test [METHOD]   (default: enum, which needs no models) */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep under -std=c11 */

#include <npeps/npeps.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures = 0;

#define CHECK(cond, ...)                                                 \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: FAILED: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                      \
      fprintf(stderr, "\n");                                             \
      ++failures;                                                        \
    }                                                                    \
  } while (0)

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The value of "key": in a compact JSON object, as far as the next comma
 * (enough for the flat fields checked here). */
static const char* field(const char* json, const char* key) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char* p = strstr(json, pattern);
  return p ? p + strlen(pattern) : "";
}

static const char* kSortTask =
    "{\"id\": \"sort\", \"examples\": ["
    "{\"inputs\": [[3, 1, 2]], \"output\": [1, 2, 3]},"
    "{\"inputs\": [[9, -4, 7, 0]], \"output\": [-4, 0, 7, 9]},"
    "{\"inputs\": [[5, 5, 1]], \"output\": [1, 5, 5]}]}";

static void test_solves_sort(const char* method) {
  char options[128];
  snprintf(options, sizeof options, "{\"method\": \"%s\", \"timeout\": 30}", method);
  char* error = (char*)"not cleared";
  npeps_synthesizer* s = npeps_create(options, &error);
  CHECK(s != NULL, "npeps_create: %s", error ? error : "(no message)");
  CHECK(error == NULL, "error not cleared on success");
  if (!s) return;
  char* result = npeps_synthesize(s, kSortTask, &error);
  CHECK(result != NULL, "npeps_synthesize: %s", error ? error : "(no message)");
  if (result) {
    printf("%s\n", result);
    CHECK(strncmp(field(result, "solved"), "true", 4) == 0, "not solved: %s", result);
    const char* program = field(result, "program");
    CHECK(program[0] == '"' && program[1] != '"', "empty program: %s", result);
    CHECK(strncmp(field(result, "id"), "\"sort\"", 6) == 0, "id not echoed: %s", result);
    CHECK(strstr(result, "\"stats\":{") != NULL && strstr(result, "\"nodes\":") != NULL,
          "no stats: %s", result);
    npeps_string_free(result);
  }
  /* The same synthesizer serves a second task. */
  result = npeps_synthesize(s, "{\"examples\": [{\"inputs\": [[1, 2, 3]], \"output\": [3, 2, 1]}]}",
                            &error);
  CHECK(result != NULL && strncmp(field(result, "solved"), "true", 4) == 0, "reverse: %s",
        result ? result : error);
  npeps_string_free(result);
  npeps_destroy(s);
}

static void test_invalid_input(void) {
  char* error = NULL;
  npeps_synthesizer* s = npeps_create("{\"method\": \"enum\"}", &error);
  CHECK(s != NULL, "npeps_create: %s", error ? error : "");
  if (!s) return;

  char* result = npeps_synthesize(s, "{\"examples\": [", &error);
  CHECK(result == NULL, "invalid JSON gave a result: %s", result);
  CHECK(error != NULL && strlen(error) > 0, "invalid JSON: no message");
  if (error) printf("invalid JSON: %s\n", error);
  npeps_string_free(error);
  error = NULL;

  /* A valid JSON task with a bad field: the message names it. */
  result = npeps_synthesize(s, "{\"examples\": [{\"inputs\": [[1]], \"output\": \"x\"}]}", &error);
  CHECK(result == NULL, "bad output gave a result: %s", result);
  CHECK(error != NULL && strstr(error, "output") != NULL, "message does not name the field: %s",
        error ? error : "(none)");
  if (error) printf("bad output: %s\n", error);
  npeps_string_free(error);
  error = NULL;

  result = npeps_synthesize(s, NULL, &error);
  CHECK(result == NULL && error != NULL, "NULL task accepted");
  npeps_string_free(error);
  result = npeps_synthesize(NULL, kSortTask, NULL); /* no error pointer: still no crash */
  CHECK(result == NULL, "NULL synthesizer accepted");
  npeps_destroy(s);

  error = NULL;
  s = npeps_create("{\"method\": \"no-such-method\"}", &error);
  CHECK(s == NULL, "unknown method accepted");
  CHECK(error != NULL && strstr(error, "unknown method 'no-such-method'") != NULL, "message: %s",
        error ? error : "(none)");
  npeps_string_free(error);

  error = NULL;
  s = npeps_create("{\"timeout_s\": 3}", &error);
  CHECK(s == NULL && error != NULL && strstr(error, "unknown key 'timeout_s'") != NULL,
        "unknown option: %s", error ? error : "(none)");
  npeps_string_free(error);

  error = NULL;
  s = npeps_create("{\"threads\": 0}", &error);
  CHECK(s == NULL && error != NULL && strstr(error, "threads") != NULL, "threads 0: %s",
        error ? error : "(none)");
  npeps_string_free(error);

  error = NULL;
  s = npeps_create("[1, 2]", &error);
  CHECK(s == NULL && error != NULL, "options not an object accepted");
  npeps_string_free(error);
  npeps_destroy(NULL);
  npeps_string_free(NULL);
}

struct canceller {
  npeps_synthesizer* s;
  atomic_int done;
};

static void* cancel_loop(void* arg) {
  struct canceller* c = (struct canceller*)arg;
  while (!atomic_load(&c->done)) {
    struct timespec t = {0, 100 * 1000 * 1000};
    nanosleep(&t, NULL);
    npeps_cancel(c->s);
  }
  return NULL;
}

static void test_cancel(void) {
  char* error = NULL;
  npeps_synthesizer* s = npeps_create("{\"method\": \"enum\", \"timeout\": 120}", &error);
  CHECK(s != NULL, "npeps_create: %s", error ? error : "");
  if (!s) return;
  struct canceller c;
  c.s = s;
  atomic_init(&c.done, 0);
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, cancel_loop, &c) == 0, "pthread_create");
  /* No DSL program of a few statements maps these: the search runs until cancelled. */
  const double start = now_s();
  char* result = npeps_synthesize(s,
                                  "{\"examples\": ["
                                  "{\"inputs\": [[5, 2, 9]], \"output\": [17, -3, 4, 4]},"
                                  "{\"inputs\": [[1, 8]], \"output\": [-6, 11]},"
                                  "{\"inputs\": [[4]], \"output\": [0, 0, 13]}]}",
                                  &error);
  const double elapsed = now_s() - start;
  atomic_store(&c.done, 1);
  pthread_join(thread, NULL);
  CHECK(result != NULL, "cancelled search: %s", error ? error : "");
  if (result) {
    CHECK(strncmp(field(result, "solved"), "false", 5) == 0, "solved?: %s", result);
    npeps_string_free(result);
  }
  CHECK(elapsed < 30, "npeps_cancel did not stop the search (%.1f s)", elapsed);
  npeps_destroy(s);
}

int main(int argc, char** argv) {
  const char* method = argc > 1 ? argv[1] : "enum";
  CHECK(npeps_version() != NULL && strlen(npeps_version()) > 0, "no version");
  printf("npeps %s, method %s\n", npeps_version(), method);
  test_solves_sort(method);
  test_invalid_input();
  test_cancel();
  if (failures)
    fprintf(stderr, "%d check(s) failed\n", failures);
  else
    printf("all checks passed\n");
  return failures ? 1 : 0;
}
