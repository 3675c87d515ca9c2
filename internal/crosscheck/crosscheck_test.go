package crosscheck

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

var (
	flagScenarios = flag.Int("crosscheck.scenarios", 6, "scenarios to check (make crosscheck: 120)")
	flagFlows     = flag.Int("crosscheck.flows", 60, "flows per scenario")
	flagSeed      = flag.Int64("crosscheck.seed", 0, "check only the scenario of this seed")
	flagFirstSeed = flag.Int64("crosscheck.first-seed", 1, "the seed of the first scenario")
	flagFault     = flag.String("crosscheck.fault", "", "break the engine on purpose: "+strings.Join(Faults, ", "))
	flagBroken    = flag.Bool("crosscheck.broken", true, "also check that each fault in Faults is caught (3 scenarios each)")
)

func seeds() []int64 {
	if *flagSeed != 0 {
		return []int64{*flagSeed}
	}
	var out []int64
	for i := 0; i < *flagScenarios; i++ {
		out = append(out, *flagFirstSeed+int64(i))
	}
	return out
}

// TestCrosscheck sends random flows of generated scenarios through a Linux
// emulation and requires the kernel to deliver exactly the flows vnetsim
// allows; then it breaks the engine on purpose and requires the check to
// notice. It needs root with CAP_NET_ADMIN, ip and nft, and says on one
// line why it skips otherwise.
func TestCrosscheck(t *testing.T) {
	if why := Available(); why != "" {
		t.Skipf("skip: the kernel cross-check needs root with CAP_NET_ADMIN, ip and nft: %s", why)
	}
	// Namespace names start with a prefix unique to this run; whatever a
	// failed run leaves is removed here.
	prefix := fmt.Sprintf("xc%x", os.Getpid())
	t.Cleanup(func() {
		if err := RemoveNamespaces(prefix); err != nil {
			t.Error(err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Minute)
	defer cancel()

	t.Run("agrees", func(t *testing.T) {
		st, err := Run(ctx, Options{Seeds: seeds(), Flows: *flagFlows, Prefix: prefix + "a", Fault: *flagFault, Logf: t.Logf, KeepDir: os.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Print(st.Summary())
		for _, u := range st.Unsupported {
			t.Logf("not emulated: %s", u)
		}
		for i, d := range st.Disagreements {
			if i == 20 {
				t.Errorf("... and %d more", len(st.Disagreements)-20)
				break
			}
			t.Errorf("%s", d)
		}
	})
	if !*flagBroken || *flagFault != "" || *flagSeed != 0 {
		return
	}
	for i, fault := range Faults {
		t.Run("catches "+fault, func(t *testing.T) {
			st, err := Run(ctx, Options{Seeds: []int64{1, 2, 3}, Flows: 60, Prefix: fmt.Sprintf("%sf%d", prefix, i), Fault: fault})
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Disagreements) == 0 {
				t.Errorf("an engine with %s agreed with the kernel on all %d flows", fault, st.Flows)
			} else {
				t.Logf("an engine with %s disagrees with the kernel on %d of %d flows, e.g.\n%s", fault, len(st.Disagreements), st.Flows, st.Disagreements[0])
			}
		})
	}
}
