package emulator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// LagModel is how long a replica takes to apply a commit after the primary
// made it. Build one with Constant, Uniform or LongTail; the zero value means
// no lag. Draws come from a per-region generator seeded by Config.Seed, so a
// run's lags are reproducible.
type LagModel struct {
	kind lagKind
	a, b time.Duration // constant: a; uniform: [a, b]; long tail: p50 a, p99 b
}

type lagKind int

const (
	lagNone lagKind = iota
	lagConstant
	lagUniform
	lagLongTail
)

// z99 is the standard normal quantile of 0.99: a log-normal with median p50
// reaches p99 at p50·exp(σ·z99).
const z99 = 2.3263478740408408

// longTailCap bounds a long-tail draw at this many times p99. A log-normal
// tail is unbounded, and because replicas apply in commit order one absurd
// draw would stall a replica for the rest of a run.
const longTailCap = 10

// Constant lags every commit by d.
func Constant(d time.Duration) LagModel { return LagModel{kind: lagConstant, a: d} }

// Uniform lags each commit by a duration drawn uniformly from [min, max].
func Uniform(min, max time.Duration) LagModel { return LagModel{kind: lagUniform, a: min, b: max} }

// LongTail lags each commit by a log-normal draw whose median is p50 and
// whose 99th percentile is p99 (capped at 10·p99), the shape third-party
// probes of D1 report (ENAM to APAC: p50 ~800 ms, p99 ~6.1 s).
func LongTail(p50, p99 time.Duration) LagModel { return LagModel{kind: lagLongTail, a: p50, b: p99} }

// Validate reports a model that cannot be drawn from.
func (m LagModel) Validate() error {
	switch m.kind {
	case lagNone:
		return nil
	case lagConstant:
		if m.a < 0 {
			return fmt.Errorf("lag %v: negative lag", m)
		}
	case lagUniform:
		if m.a < 0 || m.b < 0 {
			return fmt.Errorf("lag %v: negative lag", m)
		}
		if m.a > m.b {
			return fmt.Errorf("lag %v: min %v is greater than max %v", m, m.a, m.b)
		}
	case lagLongTail:
		if m.a <= 0 || m.b <= 0 {
			return fmt.Errorf("lag %v: p50 and p99 must be positive", m)
		}
		if m.a > m.b {
			return fmt.Errorf("lag %v: p50 %v is greater than p99 %v", m, m.a, m.b)
		}
	default:
		return fmt.Errorf("lag: unknown model %d", m.kind)
	}
	return nil
}

// Draw returns one lag from the model using r.
func (m LagModel) Draw(r *rand.Rand) time.Duration {
	switch m.kind {
	case lagConstant:
		return m.a
	case lagUniform:
		if m.b == m.a {
			return m.a
		}
		return m.a + time.Duration(r.Int64N(int64(m.b-m.a)+1))
	case lagLongTail:
		sigma := (math.Log(float64(m.b)) - math.Log(float64(m.a))) / z99
		d := float64(m.a) * math.Exp(sigma*r.NormFloat64())
		return time.Duration(math.Min(d, float64(m.b)*longTailCap))
	}
	return 0
}

// String describes the model, e.g. "longtail(p50=20ms,p99=200ms)".
func (m LagModel) String() string {
	switch m.kind {
	case lagConstant:
		return fmt.Sprintf("constant(%v)", m.a)
	case lagUniform:
		return fmt.Sprintf("uniform(%v..%v)", m.a, m.b)
	case lagLongTail:
		return fmt.Sprintf("longtail(p50=%v,p99=%v)", m.a, m.b)
	}
	return "none"
}
