package web

// registerQuiz registers the quiz feature's pages and API routes. The
// feature's handlers live in files named quiz_*.go.
func (s *Server) registerQuiz() {}
