package model

import "testing"

// TestHashAgreesWithEqual: porcupine's cache needs equal states to hash
// equally; different small states should not all collide either.
func TestHashAgreesWithEqual(t *testing.T) {
	states := map[Kind][]any{
		CreateOnce: {User{}, User{Present: true}, User{Present: true, Known: true, ID: 1}, User{Present: true, Known: true, ID: 2}},
		SingleUse:  {Code{}, Code{Issued: true}, Code{Issued: true, Used: true}, Code{Used: true}},
		Register:   {Unset, "1", "2", `"x"`},
		SetKind:    {"", SetState([]string{"a"}), SetState([]string{"a", "b"}), SetState([]string{"b"})},
	}
	for k, ss := range states {
		s := For(k)
		hashes := map[uint64]bool{}
		for _, a := range ss {
			if s.Hash(a) != s.Hash(a) {
				t.Errorf("%v: unstable hash for %v", k, a)
			}
			hashes[s.Hash(a)] = true
		}
		if len(hashes) != len(ss) {
			t.Errorf("%v: %d distinct hashes for %d states", k, len(hashes), len(ss))
		}
	}
}

// TestUnknownOutputNeverDeterministic: the deterministic model refuses an
// indeterminate op rather than guessing; the nondeterministic one forks.
func TestUnknownOutputNeverDeterministic(t *testing.T) {
	s := For(CreateOnce)
	m := s.Model()
	if ok, _ := m.Step(User{}, Input{Action: GetOrCreate}, &Output{Unknown: true}); ok {
		t.Fatal("deterministic model accepted an unknown output")
	}
	nd := s.Nondeterministic()
	next := nd.Step(User{}, Input{Action: GetOrCreate}, &Output{Unknown: true})
	if len(next) != 2 || next[0] != (User{}) || next[1] != (User{Present: true}) {
		t.Fatalf("info create from absent: %v, want [absent, present(?)]", next)
	}
	// The unknown id is learnt from the next read.
	ok, st := s.Step(User{Present: true}, Input{Action: Get}, &Output{Found: true, ID: 9})
	if !ok || st != (User{Present: true, Known: true, ID: 9}) {
		t.Fatalf("read after info create: %v %v", ok, st)
	}
	// Two rows for one key are never legal.
	if ok, _ := s.Step(User{Present: true, Known: true, ID: 1}, Input{Action: List}, &Output{IDs: []int64{1, 2}}); ok {
		t.Fatal("two users accepted")
	}
	if got := m.DescribeOperation(Input{Action: GetOrCreate}, &Output{ID: 3, Created: true}); got != "get_or_create() -> id=3 created=true" {
		t.Fatalf("describe: %q", got)
	}
}

// TestSet: adds accumulate, a read must show exactly what was added, an
// add-and-read request shows its own element, and an unknown add may or
// may not be there.
func TestSet(t *testing.T) {
	s := For(SetKind)
	ok, st := s.Step("", Input{Action: SetAdd, Value: "b"}, &Output{})
	ok2, st2 := s.Step(st, Input{Action: SetAddRead, Value: "a"}, &Output{Elements: []string{"b", "a"}})
	if !ok || !ok2 || st2 != SetState([]string{"a", "b"}) {
		t.Fatalf("add b, add-read a: %v %v %q", ok, ok2, st2)
	}
	if ok, _ := s.Step(st2, Input{Action: SetRead}, &Output{Elements: []string{"a"}}); ok {
		t.Fatal("a read missing an added element was accepted")
	}
	if ok, _ := s.Step(st2, Input{Action: SetRead}, &Output{Elements: []string{"a", "b", "c"}}); ok {
		t.Fatal("a read showing an element never added was accepted")
	}
	if ok, _ := s.Step(st, Input{Action: SetAddRead, Value: "a"}, &Output{Elements: []string{"b"}}); ok {
		t.Fatal("an add-read that does not show its own element was accepted")
	}
	next := s.Nondeterministic().Step(st, Input{Action: SetAdd, Value: "c"}, &Output{Unknown: true})
	if len(next) != 2 {
		t.Fatalf("unknown add: %v, want two states", next)
	}
	if got := s.DescribeState(st2); got != "{a, b}" {
		t.Errorf("describe %q", got)
	}
}
