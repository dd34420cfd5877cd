/* npeps — the C API, for C programs and other languages' foreign-function
 * interfaces. It wraps npeps::Synthesizer (npeps/synthesizer.h) in the
 * shared library libnpeps (link with -lnpeps, or npeps::npeps from CMake's
 * find_package(npeps)). Tasks and results are JSON text: a task is the
 * object `npeps synth` reads, a result the object it prints.
 *
 * No C++ exception crosses this API: failures return NULL and, when `error`
 * is not NULL, set *error to a message the caller frees with
 * npeps_string_free (*error is set to NULL on success).
 *
 *   char* err = NULL;
 *   npeps_synthesizer* s = npeps_create("{\"method\": \"enum\", \"timeout\": 2}", &err);
 *   char* result = npeps_synthesize(s, "{\"examples\": [...]}", &err);
 *   ...
 *   npeps_string_free(result);
 *   npeps_destroy(s);
 */
#ifndef NPEPS_NPEPS_H
#define NPEPS_NPEPS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct npeps_synthesizer npeps_synthesizer;

/* Makes a synthesizer. `options_json` is NULL, "" or a JSON object with any
 * of these keys (the `npeps synth` flags; unknown keys are an error):
 *   "method"        string, one of `npeps synth --help`'s methods (default:
 *                   "portfolio", or "enum" in builds without LibTorch)
 *   "timeout"       seconds per task (default 5; null: no limit)
 *   "threads"       worker threads per task (default 1)
 *   "model_dir"     trained models (default: the shipped ones)
 *   "max_nodes"     node budget per task (default 0: none)
 *   "max_memory"    memory cap in MB (default 0: 3/4 of physical memory)
 *   "alpha", "pe_budget", "pe_solutions"   the N-PEPS methods' settings
 * The method's models are loaded here. Returns NULL, with `*error` set, on
 * invalid options or a missing or corrupt model (the message names the
 * file). */
npeps_synthesizer* npeps_create(const char* options_json, char** error);

/* Solves one task (a JSON object: {"id"?, "examples": [{"inputs": [...],
 * "output": ...}, ...]}) and returns the result object as JSON text:
 * {"id", "solved", "program", "readable", "method", "time_s", "stats"}.
 * An unsolved task is a result with "solved": false, not an error. Returns
 * NULL on invalid input (the message names the field, as the CLI's does).
 * One call at a time per synthesizer. Free the result with
 * npeps_string_free. */
char* npeps_synthesize(npeps_synthesizer* synth, const char* task_json, char** error);

/* Stops the running npeps_synthesize call (it then returns an unsolved
 * result). May be called from any thread; made when none runs, it stops
 * the next call (which returns unsolved at once). A call clears it when it
 * returns. */
void npeps_cancel(npeps_synthesizer* synth);

/* Frees a synthesizer (NULL is allowed). No call may be running on it. */
void npeps_destroy(npeps_synthesizer* synth);

/* Frees a string returned by this API (NULL is allowed). */
void npeps_string_free(char* s);

/* The library version, e.g. "0.1.0" (static storage; do not free). */
const char* npeps_version(void);

#ifdef __cplusplus
}
#endif

#endif /* NPEPS_NPEPS_H */
