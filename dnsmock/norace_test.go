//go:build !race

package dnsmock_test

const raceEnabled = false
