package study

// SetSearchCap lowers the search count cap for a test; call the returned
// function to restore it.
func SetSearchCap(n int) func() {
	old := searchCap
	searchCap = n
	return func() { searchCap = old }
}
