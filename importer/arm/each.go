package arm

import (
	"runtime"
	"sync"
)

// Each runs f(0..n-1) on every core, in blocks of neighbouring indexes, and
// returns when all have run; the calls share nothing but what f's caller
// gives them (each writes its own slot of a result). Few items run in
// order on the calling goroutine.
func Each(n int, f func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 64 || workers < 2 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	const block = 32
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += block
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+block, n); i++ {
					f(i)
				}
			}
		}()
	}
	wg.Wait()
}
