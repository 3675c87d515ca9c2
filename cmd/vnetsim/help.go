package main

import (
	"fmt"
	"runtime/debug"
)

// runHelp prints the global usage, or one command's usage and flags.
func runHelp(e *env, args []string) (int, error) {
	switch len(args) {
	case 0:
		fmt.Fprint(e.stdout, usage(e.commands))
		return exitOK, nil
	case 1:
	default:
		return 0, usagef("help: give one COMMAND")
	}
	c, ok := lookupCommand(e.commands, args[0])
	if !ok || c.name == "help" {
		if !ok {
			return 0, &usageError{fmt.Sprintf("help: unknown command %q\n\n%s", args[0], usage(e.commands))}
		}
		fmt.Fprint(e.stdout, usage(e.commands))
		return exitOK, nil
	}
	e.synopsis = c.synopsis
	code, err := c.run(e, []string{"--help"})
	return exitCode(err, code, e.stderr), nil
}

// versionLine is what --version prints: the module version and the commit
// it was built from, as the Go toolchain recorded them.
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "vnetsim (unknown version)"
	}
	return "vnetsim " + versionOf(bi)
}

// versionOf formats build information: "v1.2.0", or "(devel)", then the
// commit, its time and whether the tree was modified, and the Go version.
func versionOf(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified {
			rev += "-dirty"
		}
		v += " commit " + rev
		if at != "" {
			v += " " + at
		}
	}
	return v + " " + bi.GoVersion
}
