package main

import (
	"fmt"

	"github.com/vnetsim/vnetsim/scenarios"
)

// runCatalog lists the embedded scenarios by the names FILE accepts.
func runCatalog(e *env, args []string) (int, error) {
	for _, n := range scenarios.Names() {
		fmt.Fprintln(e.stdout, scenarios.Prefix+n)
	}
	return 0, nil
}
