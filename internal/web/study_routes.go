package web

// registerStudy registers the study feature's pages and API routes. The
// feature's handlers live in files named study_*.go.
func (s *Server) registerStudy() {}
