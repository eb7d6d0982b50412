package scenarios

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/d1check/d1check/d1"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Error is a problem with a scenario file, located as precisely as the
// file allows.
type Error struct {
	File  string
	Line  int    // 0 when unknown
	Field string // a path such as "keys.hot" or "faults[1].at"; "" for syntax errors
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", e.Field)
	}
	fmt.Fprintf(&b, ": %s", e.Msg)
	return b.String()
}

// Catalog tells the parser the names the rest of d1check knows, so that a
// misspelt one fails at parse time: the workloads and their variants, and
// the checker's verdicts and anomaly kinds (the checker owns those lists;
// the parser sits below it and is handed them). A nil Catalog skips those
// checks.
type Catalog interface {
	// Variants returns the workload's variants, or ok=false when the
	// workload does not exist.
	Variants(workload string) (variants []string, ok bool)
	// Verdicts lists the verdicts an expect block may name.
	Verdicts() []string
	// AnomalyKinds lists the anomaly kinds an expect block may name: every
	// kind the checker can emit.
	AnomalyKinds() []string
}

// raw mirrors the YAML; durations stay strings so that a bad one can be
// reported with its line.
type raw struct {
	Name      string   `yaml:"name"`
	Workload  string   `yaml:"workload"`
	Variants  []string `yaml:"variants"`
	Bookmarks any      `yaml:"bookmarks"` // "none" | "carry" | {header: X} | {cookie: X}
	Clients   *int     `yaml:"clients"`
	Ops       *int     `yaml:"ops"`
	Duration  string   `yaml:"duration"`
	Keys      *struct {
		Count   *int     `yaml:"count"`
		Hot     *float64 `yaml:"hot"`
		HotKeys *int     `yaml:"hot_keys"`
	} `yaml:"keys"`
	Target *struct {
		Kind        string `yaml:"kind"`
		URL         string `yaml:"url"`
		Dir         string `yaml:"dir"`
		Replication *struct {
			Lag     *rawLag            `yaml:"lag"`
			Regions map[string]*rawLag `yaml:"regions"`
		} `yaml:"replication"`
		RoundTrip *rawLag `yaml:"round_trip"`
		Time      string  `yaml:"time"`
	} `yaml:"target"`
	Faults []struct {
		At       string `yaml:"at"`
		Kind     string `yaml:"kind"`
		Region   string `yaml:"region"`
		For      string `yaml:"for"`
		Lag      string `yaml:"lag"`
		Delay    string `yaml:"delay"`
		Snapshot int    `yaml:"snapshot"`
	} `yaml:"faults"`
	Seed *int64 `yaml:"seed"`
	// An http workload's declarations (see http.go).
	Routes map[string]*rawRoute `yaml:"routes"`
	Mix    map[string]int       `yaml:"mix"`
	Setup  []*rawRequest        `yaml:"setup"`
	Expect *struct {
		Verdict   string   `yaml:"verdict"`
		Anomalies []string `yaml:"anomalies"`
		Allow     []string `yaml:"allow"`
		Real      *struct {
			Anomalies []string `yaml:"anomalies"`
			Allow     []string `yaml:"allow"`
		} `yaml:"real"`
	} `yaml:"expect"`
}

type rawLag struct {
	Constant string `yaml:"constant"`
	Min      string `yaml:"min"`
	Max      string `yaml:"max"`
	P50      string `yaml:"p50"`
	P99      string `yaml:"p99"`
}

// ParseFile reads and parses a scenario file.
func ParseFile(path string, cat Catalog) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	return Parse(path, data, cat)
}

// Parse parses and validates one scenario; file names it in errors.
// It returns the first problem found, in the order of the file.
func Parse(file string, data []byte, cat Catalog) (*Scenario, error) {
	var r raw
	f, err := decode(data, &r)
	if err != nil {
		return nil, yamlError(file, data, err)
	}
	v := &validator{file: file, ast: f}
	s := v.build(&r, cat)
	if v.err != nil {
		return nil, v.err
	}
	s.File = file
	return s, nil
}

// decode runs the YAML library on untrusted input. go-yaml can panic on
// some malformed documents (found by FuzzParse, kept in testdata/fuzz): a
// bad file must be an error, never a crash of the gate.
func decode(data []byte, r *raw) (f *ast.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the YAML decoder could not read this file (%v); check its indentation and tags", p)
		}
	}()
	if err := yaml.UnmarshalWithOptions(data, r, yaml.Strict()); err != nil {
		return nil, err
	}
	return parser.ParseBytes(data, 0)
}

func yamlError(file string, data []byte, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		e := &Error{File: file, Msg: ye.GetMessage()}
		if tok := ye.GetToken(); tok != nil && tok.Position != nil {
			e.Line = tok.Position.Line
			var te *yaml.TypeError
			var ne *yaml.UnexpectedNodeTypeError
			var oe *yaml.OverflowError
			if errors.As(err, &te) || errors.As(err, &ne) || errors.As(err, &oe) {
				// A value of the wrong type: name the key it is under,
				// and the types in YAML's words, not Go's.
				e.Field = keyBefore(data, tok.Position.Line, tok.Position.Column)
				if m := goTypeMismatch.FindStringSubmatch(e.Msg); m != nil {
					e.Msg = fmt.Sprintf("got a %s, want %s", m[1], yamlTypeOf(m[2]))
				}
			}
		}
		// goccy says `unknown field "x"`; name the field too.
		if m := strings.TrimPrefix(e.Msg, "unknown field "); m != e.Msg {
			e.Field = strings.Trim(m, `"`)
			e.Msg = "unknown field (fields are case-sensitive; `d1check scenarios gate/users-atomic.yaml` prints a complete scenario)"
		}
		return e
	}
	return &Error{File: file, Msg: err.Error()}
}

// goTypeMismatch is goccy's wording for a value of the wrong type.
var goTypeMismatch = regexp.MustCompile(`^cannot unmarshal (\w+) into Go (?:struct field \S+|value) of type (\S+)`)

// yamlTypeOf names a Go type the way a scenario's author thinks of it.
func yamlTypeOf(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map[") || strings.Contains(goType, "."):
		return "a mapping"
	case strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	}
	return "a " + goType
}

// keyBefore is the last "key:" on line (1-based) of data before column, ""
// when there is none: the field a value at that position belongs to, in a
// block mapping (key: value) or a flow one ({a: 1, key: value}).
func keyBefore(data []byte, line, column int) string {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	text := lines[line-1]
	if column >= 1 && column-1 <= len(text) {
		text = text[:column-1]
	}
	key := ""
	for i := 0; i < len(text); i++ {
		if text[i] != ':' {
			continue
		}
		j := i
		for j > 0 && (isKeyByte(text[j-1])) {
			j--
		}
		if j < i {
			key = text[j:i]
		}
	}
	return key
}

func isKeyByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// validator turns raw into a Scenario, keeping the first error with its line.
type validator struct {
	file string
	ast  *ast.File
	err  *Error
}

func (v *validator) fail(field, format string, args ...any) {
	if v.err != nil {
		return
	}
	v.err = &Error{File: v.file, Line: v.line(field), Field: field, Msg: fmt.Sprintf(format, args...)}
}

// line finds the line of a field path such as "faults[1].at" in the file.
// It falls back to the nearest enclosing field that exists (a missing field
// is reported at its parent).
func (v *validator) line(field string) int {
	for p := field; p != ""; p = parent(p) {
		path, err := yaml.PathString("$." + p)
		if err != nil {
			continue
		}
		if n, err := path.FilterFile(v.ast); err == nil && n != nil {
			if tok := n.GetToken(); tok != nil && tok.Position != nil {
				return tok.Position.Line
			}
		}
	}
	return 0
}

func parent(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func (v *validator) duration(field, s string, zeroOK bool) time.Duration {
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		v.fail(field, "bad duration %q: want a Go duration such as 250ms, 3s or 1m30s", s)
		return 0
	}
	if d < 0 || (d == 0 && !zeroOK) {
		v.fail(field, "duration %s must be positive", s)
	}
	return d
}

func (v *validator) oneOf(field, got string, allowed []string) {
	if !slices.Contains(allowed, got) {
		v.fail(field, "%q is not one of %s", got, strings.Join(allowed, ", "))
	}
}

func (v *validator) build(r *raw, cat Catalog) *Scenario {
	s := &Scenario{Name: r.Name, Workload: r.Workload, Variants: r.Variants,
		Clients: DefaultClients, Seed: DefaultSeed, Keys: Keys{Count: DefaultKeys, Hot: DefaultHot, HotKeys: DefaultHotKeys}}
	if s.Name == "" {
		v.fail("name", "missing: every scenario needs a name")
	} else if strings.ContainsAny(s.Name, "/\\ \t") {
		v.fail("name", "%q: use letters, digits, '-' and '_' (it names the output directory)", s.Name)
	}
	if s.Workload == "" {
		v.fail("workload", "missing: name the workload to run (d1check scenarios lists them)")
	}
	http := s.Workload == HTTPWorkload
	if http {
		v.http(r, s)
	} else {
		v.notHTTP(r, s)
	}
	if cat != nil && s.Workload != "" && !http {
		known, ok := cat.Variants(s.Workload)
		if !ok {
			v.fail("workload", "unknown workload %q", s.Workload)
		}
		for i, vr := range s.Variants {
			if ok && !slices.Contains(known, vr) {
				v.fail(fmt.Sprintf("variants[%d]", i), "workload %s has no variant %q (it has %s)", s.Workload, vr, strings.Join(known, ", "))
			}
		}
		if len(s.Variants) == 0 && ok {
			s.Variants = known
		}
	}
	for i, vr := range s.Variants {
		if slices.Index(s.Variants, vr) != i {
			v.fail(fmt.Sprintf("variants[%d]", i), "variant %q is listed twice", vr)
		}
	}
	if r.Clients != nil {
		s.Clients = *r.Clients
		if s.Clients < 1 || s.Clients > 10000 {
			v.fail("clients", "%d clients: want 1 to 10000", s.Clients)
		}
	}
	s.Duration = v.duration("duration", r.Duration, false)
	switch {
	case r.Ops != nil && r.Duration != "":
		v.fail("duration", "give ops or duration, not both")
	case r.Ops != nil:
		s.Ops = *r.Ops
		if s.Ops < 1 {
			v.fail("ops", "%d ops: want at least 1", s.Ops)
		}
	case r.Duration == "":
		s.Ops = DefaultOps
	}
	if r.Keys != nil {
		if r.Keys.Count != nil {
			s.Keys.Count = *r.Keys.Count
			if s.Keys.Count < 1 {
				v.fail("keys.count", "%d keys: want at least 1", s.Keys.Count)
			}
		}
		if r.Keys.Hot != nil {
			s.Keys.Hot = *r.Keys.Hot
			if s.Keys.Hot < 0 || s.Keys.Hot > 1 {
				v.fail("keys.hot", "%v: the hot share of traffic is a fraction from 0 to 1", s.Keys.Hot)
			}
		}
		if r.Keys.HotKeys != nil {
			s.Keys.HotKeys = *r.Keys.HotKeys
			if s.Keys.HotKeys < 1 {
				v.fail("keys.hot_keys", "%d: at least 1 hot key at a time (set hot: 0 for no hot traffic)", s.Keys.HotKeys)
			}
		}
	}
	s.Target.Kind = DefaultTarget
	defer func() {
		// Only the embedded emulator can run on simulated time.
		if s.Target.Time == "" {
			s.Target.Time = TimeReal
			if s.Target.Kind == "emulator" {
				s.Target.Time = TimeSimulated
			}
		}
	}()
	if t := r.Target; t != nil {
		if t.Time != "" {
			v.oneOf("target.time", t.Time, []string{TimeSimulated, TimeReal})
			if t.Time == TimeSimulated && t.Kind != "" && t.Kind != "emulator" {
				v.fail("target.time", "a %s target runs on real time: only the embedded emulator can be simulated", t.Kind)
			}
			s.Target.Time = t.Time
		}
		if t.Kind != "" {
			s.Target.Kind = t.Kind
		}
		v.oneOf("target.kind", s.Target.Kind, TargetKinds)
		s.Target.URL = t.URL
		v.targetDir(s, t.Dir)
		if !Emulated(s.Target.Kind) && t.URL == "" {
			v.fail("target.url", "a %s target needs a url", s.Target.Kind)
		}
		if Emulated(s.Target.Kind) && t.URL != "" {
			v.fail("target.url", "a %s target runs on d1check's own emulator and takes no url", s.Target.Kind)
		}
		if t.RoundTrip != nil {
			if !Emulated(s.Target.Kind) {
				v.fail("target.round_trip", "a round trip can only be set on the emulator; a %s target has the network it has", s.Target.Kind)
			}
			s.Target.RoundTrip = v.lag("target.round_trip", t.RoundTrip)
		}
		if rep := t.Replication; rep != nil {
			if !Emulated(s.Target.Kind) {
				v.fail("target.replication", "replication lag can only be set on the emulator; a %s target has the lag the real database has", s.Target.Kind)
			}
			if rep.Lag != nil {
				s.Target.Replication.Lag = v.lag("target.replication.lag", rep.Lag)
			}
			for region, l := range rep.Regions {
				field := "target.replication.regions." + region
				if !d1.ValidRegion(region) {
					v.fail(field, "unknown region %q: D1's regions are %s", region, strings.Join(d1.Regions, ", "))
				}
				if s.Target.Replication.Regions == nil {
					s.Target.Replication.Regions = map[string]Lag{}
				}
				s.Target.Replication.Regions[region] = v.lag(field, l)
			}
		}
	}
	for i, rf := range r.Faults {
		field := fmt.Sprintf("faults[%d]", i)
		f := Fault{Kind: rf.Kind, Region: rf.Region, Snapshot: rf.Snapshot}
		v.oneOf(field+".kind", f.Kind, FaultKinds)
		f.At = v.duration(field+".at", rf.At, true)
		f.For = v.duration(field+".for", rf.For, false)
		f.Lag = v.duration(field+".lag", rf.Lag, false)
		f.Delay = v.duration(field+".delay", rf.Delay, false)
		if f.Region != "" && !d1.ValidRegion(f.Region) {
			v.fail(field+".region", "unknown region %q: D1's regions are %s", f.Region, strings.Join(d1.Regions, ", "))
		}
		if f.Snapshot < 0 {
			v.fail(field+".snapshot", "%d: how many commits back, at least 0", f.Snapshot)
		}
		if s.Duration > 0 && f.At >= s.Duration {
			v.fail(field+".at", "the fault starts at %s, after the run's %s duration", f.At, s.Duration)
		}
		s.Faults = append(s.Faults, f)
	}
	if r.Seed != nil {
		s.Seed = *r.Seed
	}
	if e := r.Expect; e != nil {
		s.Expect = &Expect{Verdict: e.Verdict, Anomalies: e.Anomalies, Allow: e.Allow}
		if cat != nil {
			v.oneOf("expect.verdict", e.Verdict, cat.Verdicts())
		}
		v.expectKinds(cat, "expect.", e.Verdict, e.Anomalies, e.Allow)
		if r := e.Real; r != nil {
			s.Expect.Real = &ExpectKind{Anomalies: r.Anomalies, Allow: r.Allow}
			v.expectKinds(cat, "expect.real.", e.Verdict, r.Anomalies, r.Allow)
		}
	}
	return s
}

// expectKinds checks the kinds an expectation (or its real part, under
// prefix) must and may show against its verdict and the checker's kinds.
func (v *validator) expectKinds(cat Catalog, prefix, verdict string, must, may []string) {
	if verdict == "valid" && len(must)+len(may) > 0 {
		v.fail(prefix+"anomalies", "a valid verdict has no anomalies")
	}
	if verdict == "invalid" && len(must) == 0 {
		v.fail(prefix+"anomalies", "an invalid verdict must name at least one anomaly kind it expects")
	}
	var kinds []string
	if cat != nil {
		kinds = cat.AnomalyKinds()
	}
	for i, k := range must {
		if cat != nil {
			v.oneOf(fmt.Sprintf("%sanomalies[%d]", prefix, i), k, kinds)
		}
	}
	for i, k := range may {
		if cat != nil {
			v.oneOf(fmt.Sprintf("%sallow[%d]", prefix, i), k, kinds)
		}
		if slices.Contains(must, k) {
			v.fail(fmt.Sprintf("%sallow[%d]", prefix, i), "%q is already expected; allow is for kinds that may or may not appear", k)
		}
	}
}

func (v *validator) lag(field string, r *rawLag) Lag {
	if r == nil {
		v.fail(field, "empty: give constant, min/max, or p50/p99")
		return Lag{}
	}
	l := Lag{
		Constant: v.duration(field+".constant", r.Constant, true),
		Min:      v.duration(field+".min", r.Min, true),
		Max:      v.duration(field+".max", r.Max, false),
		P50:      v.duration(field+".p50", r.P50, false),
		P99:      v.duration(field+".p99", r.P99, false),
	}
	forms := 0
	if r.Constant != "" {
		forms++
	}
	if r.Min != "" || r.Max != "" {
		forms++
		if r.Max == "" || l.Min > l.Max {
			v.fail(field+".max", "a uniform lag needs min <= max")
		}
	}
	if r.P50 != "" || r.P99 != "" {
		forms++
		if r.P50 == "" || r.P99 == "" || l.P99 < l.P50 {
			v.fail(field+".p99", "a long-tailed lag needs p50 and p99, with p99 >= p50")
		}
	}
	if forms > 1 {
		v.fail(field, "give one lag form: constant, min/max, or p50/p99")
	}
	return l
}
