package quiz

// SetNoQueue turns the SQLite submission queue off, for the burst comparison.
func SetNoQueue(b bool) { noQueue = b }
