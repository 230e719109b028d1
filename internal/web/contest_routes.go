package web

// registerContest registers the contest feature's pages and API routes. The
// feature's handlers live in files named contest_*.go.
func (s *Server) registerContest() {}
