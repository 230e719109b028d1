package web

// registerSupervise registers the supervise feature's pages and API routes. The
// feature's handlers live in files named supervise_*.go.
func (s *Server) registerSupervise() {
	s.registerSuperviseReports()
}
