package study

// SetSearchCap lowers both search count caps for a test; call the returned
// function to restore it.
func SetSearchCap(n int) func() {
	old, oldPh := searchCap, phraseCap
	searchCap, phraseCap = n, n
	return func() { searchCap, phraseCap = old, oldPh }
}

// SetCountScan lowers how many candidates a phrase search checks to count
// its total; call the returned function to restore it.
func SetCountScan(n int) func() {
	old := countScan
	countScan = n
	return func() { countScan = old }
}
