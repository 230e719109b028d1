package web

// registerSuperviseReports registers the dashboards, bulletins, work briefs
// and similar-speech routes; another engineer fills it in. It is called at the
// end of registerSupervise.
func (s *Server) registerSuperviseReports() {}
