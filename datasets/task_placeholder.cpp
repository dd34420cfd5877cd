// Placeholder so the datasets library has a source before task.cpp lands.
namespace npeps {
int datasets_placeholder() { return 0; }
}  // namespace npeps
