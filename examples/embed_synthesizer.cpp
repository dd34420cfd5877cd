// Embedding npeps in an application: build a task from C++ values, ask for
// a program, print it. Only <npeps/synthesizer.h> is needed.
//
//   ./build/examples/embed_synthesizer [method]   (default: the library's default method)
#include <iostream>

#include "npeps/synthesizer.h"

int main(int argc, char** argv) {
  npeps::SynthesizerOptions options;
  if (argc > 1) options.method = argv[1];  // empty: Synthesizer::default_method()
  options.timeout_s = 2.0;

  // "Sum of the positive numbers", from three examples.
  npeps::TaskSpec task;
  task.id = "sum-of-positives";
  task.examples = {
      {{std::vector<int>{3, -1, 4}}, 7},
      {{std::vector<int>{-2, -3}}, 0},
      {{std::vector<int>{5, 0, 6, -9, 1}}, 12},
  };
  try {
    npeps::Synthesizer synth(options);
    const npeps::SynthesisResult r = synth.synthesize(task);
    if (!r.solved) {
      std::cout << "no program found in " << r.time_s << " s (" << r.nodes << " nodes)\n";
      return 1;
    }
    std::cout << r.readable << "\n\ncompact: " << r.program << "\nfound by " << r.method << " in "
              << r.time_s << " s, " << r.nodes << " nodes\n";
    return 0;
  } catch (const npeps::InvalidInput& e) {
    std::cerr << "invalid input: " << e.what() << "\n";
    return 2;
  } catch (const npeps::ModelError& e) {  // thrown when the synthesizer is built
    std::cerr << "model: " << e.what() << "\n";
    return 2;
  }
}
