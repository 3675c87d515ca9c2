package topology

import "testing"

// BenchmarkBuiltinServiceTags measures indexing the embedded
// ServiceTags_Public file, which every process does once.
func BenchmarkBuiltinServiceTags(b *testing.B) {
	for b.Loop() {
		if _, err := parseBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}
