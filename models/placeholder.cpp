// Placeholder so the models library exists before the networks land.
namespace npeps {
int models_placeholder() { return 0; }
}  // namespace npeps
