namespace npeps {
int api_placeholder() { return 0; }
}  // namespace npeps
