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
)

// needNetns skips the test, with one line saying why, where namespaces can't be made.
func needNetns(t *testing.T) {
	t.Helper()
	if why := Available(); why != "" {
		t.Skipf("skip: the kernel cross-check needs root with CAP_NET_ADMIN, ip and nft: %s", why)
	}
}

func prefix() string { return fmt.Sprintf("xc%x", os.Getpid()%0xfffff) }

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
// allows.
func TestCrosscheck(t *testing.T) {
	needNetns(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Minute)
	defer cancel()
	st, err := Run(ctx, Options{Seeds: seeds(), Flows: *flagFlows, Prefix: prefix(), Fault: *flagFault, Logf: t.Logf, KeepDir: os.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + st.Summary())
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
}
