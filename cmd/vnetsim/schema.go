package main

import "github.com/vnetsim/vnetsim/topology"

// runSchema prints the JSON Schema (draft 2020-12) of the scenario format,
// generated from the spec types.
func runSchema(e *env, args []string) (int, error) {
	fs := e.flags("schema")
	if err := parse(fs, args); err != nil {
		return 0, err
	}
	if fs.NArg() != 0 {
		return 0, usagef("schema: takes no arguments")
	}
	data, err := topology.JSONSchema()
	if err != nil {
		return 0, err
	}
	data = append(data, '\n')
	_, err = e.stdout.Write(data)
	return exitOK, err
}
