package main

func runServe(e *env, args []string) (int, error) { return 0, usagef("serve: todo") }
