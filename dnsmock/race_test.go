//go:build race

package dnsmock_test

// raceEnabled: the race detector slows the exhaustive tests tenfold, so
// they ask fewer questions.
const raceEnabled = true
