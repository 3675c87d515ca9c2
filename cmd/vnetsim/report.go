package main

func runReport(e *env, args []string) (int, error) { return 0, usagef("report: todo") }
