package main

import (
	"fmt"

	"github.com/vnetsim/vnetsim/scenarios"
)

// runCatalog lists the embedded scenarios by the names FILE accepts.
func runCatalog(e *env, args []string) (int, error) {
	fs := e.flags("catalog")
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	if fs.NArg() != 0 {
		return 0, usagef("catalog: takes no arguments")
	}
	for _, n := range scenarios.Names() {
		fmt.Fprintln(e.stdout, scenarios.Prefix+n)
	}
	return 0, nil
}
