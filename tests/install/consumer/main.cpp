// Uses an installed npeps through find_package(npeps) / npeps::npeps: the
// default method (npeps with the installed models in builds with LibTorch,
// so their directory must be found from the installed library) solves a
// sorting task; invalid input arrives as npeps::InvalidInput; run_program
// runs a program; with the install prefix as argument, the models'
// directory is PREFIX/share/npeps/models. Exit status 0 when every check holds.
#include <npeps/synthesizer.h>

#include <filesystem>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  int failures = 0;
  auto check = [&](bool ok, const std::string& what) {
    if (!ok) {
      std::cerr << "FAILED: " << what << "\n";
      ++failures;
    }
  };
  npeps::SynthesizerOptions options;
  options.timeout_s = 30;
  npeps::Synthesizer synth(options);
  npeps::TaskSpec task;
  task.id = "sort";
  task.examples = {
      {{std::vector<int>{3, 1, 2}}, std::vector<int>{1, 2, 3}},
      {{std::vector<int>{9, -4, 7, 0}}, std::vector<int>{-4, 0, 7, 9}},
      {{std::vector<int>{5, 5, 1}}, std::vector<int>{1, 5, 5}},
  };
  try {
    const npeps::SynthesisResult r = synth.synthesize(task);
    std::cout << npeps::to_json(r) << "\n";
    check(r.solved && !r.program.empty(), "the default method solves sorting");
    check(r.method == npeps::Synthesizer::default_method(), "method is the default");
  } catch (const std::exception& e) {
    check(false, std::string("synthesize threw: ") + e.what());
  }
  try {
    synth.synthesize_json("{\"examples\": [");
    check(false, "invalid JSON accepted");
  } catch (const npeps::InvalidInput& e) {
    std::cout << "invalid input: " << e.what() << "\n";
    check(std::string(e.what()).find("task") == 0, "the message names the task");
  }
  check(npeps::run_program("LIST|SORT,0", "[[3,1,2]]") == "[1,2,3]", "run_program");
  try {
    npeps::run_program("LIST|NO_SUCH_OP,0", "[[1]]");
    check(false, "malformed program accepted");
  } catch (const npeps::InvalidInput& e) {
    check(std::string(e.what()).find("malformed program") == 0, e.what());
  }
  // The models are found from the installed library: PREFIX/share/npeps/models.
  if (argc > 1) {
    const std::filesystem::path expected = std::filesystem::path(argv[1]) / "share/npeps/models";
    std::error_code ec;
    check(
        std::filesystem::equivalent(npeps::default_model_dir(), expected, ec),
        "default_model_dir() is " + npeps::default_model_dir() + ", expected " + expected.string());
  }
  std::cout << "npeps " << npeps::version() << ": " << (failures ? "FAILED" : "ok") << "\n";
  return failures ? 1 : 0;
}
