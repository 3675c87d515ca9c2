package crosscheck

import "testing"

// TestBuild checks that every seed gives a scenario that compiles.
func TestBuild(t *testing.T) {
	for seed := int64(1); seed <= 40; seed++ {
		if _, err := Build(seed); err != nil {
			t.Fatal(err)
		}
	}
}
