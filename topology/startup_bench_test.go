package topology

import (
	"path/filepath"
	"sync"
	"testing"
)

// BenchmarkColdLoad measures what `vnetsim validate` of one catalog
// scenario does in a fresh process: the embedded service tags read anew,
// the scenario decoded and compiled.
func BenchmarkColdLoad(b *testing.B) {
	file := filepath.Join("..", "scenarios", "forced-tunneling-firewall.yaml")
	for b.Loop() {
		builtin.once = sync.Once{}
		if _, err := Load(file, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
