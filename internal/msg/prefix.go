package msg

import "strings"

// WithPrefix returns the catalog entries whose keys start with prefix, as
// raw format strings (not formatted). A page script that builds its own
// text gets them as data and fills in the arguments itself.
func WithPrefix(prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range zh {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}
