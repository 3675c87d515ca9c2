// Package parallel owns the one worker pool of vnetsim: it runs independent
// pieces of work (decoding pieces of a large file, effective routes, rows of
// a matrix) on every core. It never shares state between pieces; callers
// write results into slots of their own.
package parallel

import (
	"runtime"
	"sync"
)

// ForEach runs f(0..n-1) on every core and returns when all have run.
func ForEach(n int, f func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// ForEachSmall is ForEach for many small pieces of work: fewer than 64 run
// in order on the calling goroutine, more are handed to the cores in blocks
// of 32 neighbouring indexes, so that handing out costs little next to the
// work.
func ForEachSmall(n int, f func(i int)) {
	const serial, block = 64, 32
	if n < serial || runtime.GOMAXPROCS(0) < 2 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	ForEach((n+block-1)/block, func(b int) {
		for i := b * block; i < min((b+1)*block, n); i++ {
			f(i)
		}
	})
}
