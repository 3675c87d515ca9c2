package sim

import (
	"fmt"
	"strconv"
	"strings"
)

// MatrixShard names one of Of shards of a matrix (Index counts from 1):
// `vnetsim matrix --shard i/n` computes one, for a CI job or one pod of a
// Kubernetes Indexed Job, and `vnetsim matrix --merge` puts them together.
type MatrixShard struct {
	Index int `json:"index"`
	Of    int `json:"of"`
}

// ParseMatrixShard reads "i/n".
func ParseMatrixShard(s string) (MatrixShard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return MatrixShard{}, fmt.Errorf("--shard %q: want i/n with 1 <= i <= n, as 2/8", s)
	}
	return MatrixShard{Index: i, Of: n}, nil
}

// block returns the sources [lo, hi) of the shard among n: contiguous
// blocks, as even as can be, in order.
func (s MatrixShard) block(n int) (lo, hi int) {
	return (s.Index - 1) * n / s.Of, s.Index * n / s.Of
}

// MergeMatrices puts the shards of one matrix together: every shard of
// the same split exactly once, of the same scenario and version; the rows
// in shard order, which is the order of one run.
func MergeMatrices(parts []*Matrix) (*Matrix, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("--merge: no shards given")
	}
	of := 0
	byIndex := map[int]*Matrix{}
	for _, p := range parts {
		if p.Shard == nil {
			return nil, fmt.Errorf("--merge: a matrix of scenario %s is not a shard (run it with --shard i/n -o json)", p.Scenario)
		}
		if p.Version != JSONVersion {
			return nil, fmt.Errorf("--merge: shard %d/%d has version %d, want %d", p.Shard.Index, p.Shard.Of, p.Version, JSONVersion)
		}
		if of == 0 {
			of = p.Shard.Of
		}
		if p.Shard.Of != of || p.Shard.Index < 1 || p.Shard.Index > of {
			return nil, fmt.Errorf("--merge: shard %d/%d does not belong to a split in %d", p.Shard.Index, p.Shard.Of, of)
		}
		if p.Scenario != parts[0].Scenario {
			return nil, fmt.Errorf("--merge: shards of two scenarios (%s and %s)", parts[0].Scenario, p.Scenario)
		}
		if byIndex[p.Shard.Index] != nil {
			return nil, fmt.Errorf("--merge: shard %d/%d given twice", p.Shard.Index, of)
		}
		byIndex[p.Shard.Index] = p
	}
	m := &Matrix{Version: JSONVersion, Scenario: parts[0].Scenario, Rows: []MatrixRow{}}
	var missing []string
	for i := 1; i <= of; i++ {
		p := byIndex[i]
		if p == nil {
			missing = append(missing, fmt.Sprintf("%d/%d", i, of))
			continue
		}
		m.Rows = append(m.Rows, p.Rows...)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("--merge: shards missing: %s", strings.Join(missing, ", "))
	}
	return m, nil
}
