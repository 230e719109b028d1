// Package msg is the message catalog: every piece of UI text, keyed, so that
// a second language can follow by adding a table. Chinese is the default
// and the only complete language today.
package msg

import "fmt"

// T returns the Chinese text for key, formatted with args. An unknown key
// is returned as is, wrapped in brackets, so a missing entry shows on the
// page and fails the catalog test.
func T(key string, args ...any) string {
	s, ok := zh[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key is in the catalog.
func Has(key string) bool {
	_, ok := zh[key]
	return ok
}

// register adds a feature's entries to the catalog. Each feature keeps its
// text in its own file (zh_<feature>.go) calling register from init; a key
// defined twice is a programming error and stops the program at start.
func register(entries map[string]string) {
	for k, v := range entries {
		if _, dup := zh[k]; dup {
			panic("msg: duplicate key " + k)
		}
		zh[k] = v
	}
}
